import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PolicySource } from './types.js';

/** `policies/` at the package root (beside `src/`). */
export const DEFAULT_POLICIES_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'policies',
);

function regoFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) return regoFiles(p);
      return name.endsWith('.rego') && !name.endsWith('_test.rego') ? [p] : [];
    });
}

/** The default policy set: every `.rego` under `dir`, named by relative path (`approval/base.rego`). */
export function defaultPolicySources(dir = DEFAULT_POLICIES_DIR): PolicySource[] {
  return regoFiles(dir).map((file) => ({
    name: relative(dir, file).split(sep).join('/'),
    rego: readFileSync(file, 'utf8'),
    regoVersion: 'v1',
  }));
}
