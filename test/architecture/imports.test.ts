import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const importsOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);

describe('architecture', () => {
  it('core imports no surface (http, mcp, cli, sweeper)', () => {
    // Resolve each relative import: `../providers/types.js` from src/core/requests is core's own.
    const offenders = files('src/core').flatMap((f) =>
      importsOf(f)
        .filter(
          (s) =>
            s.startsWith('.') &&
            /^src\/(http|mcp|cli|sweeper|providers)\//.test(
              relative('.', join(dirname(f), s))
                .split(sep)
                .join('/'),
            ),
        )
        .map((s) => `${relative('.', f)} → ${s}`),
    );
    expect(offenders).toEqual([]);
  });

  it('only src/core/db imports drizzle-orm', () => {
    const offenders = files('src')
      .filter((f) => !f.startsWith(join('src', 'core', 'db')))
      .flatMap((f) =>
        importsOf(f)
          .filter((s) => s.startsWith('drizzle-orm'))
          .map((s) => `${f} → ${s}`),
      );
    expect(offenders).toEqual([]);
  });
});
