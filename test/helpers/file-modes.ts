/** File-mode checks for owner-only state (JITSUDO_HOME, PGlite data dirs). */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const modeOf = (p: string) => statSync(p).mode & 0o777;

/** Every path under `dir` that is not 0700 (directories) or 0600 (files), with its mode in octal. */
export function widerThanOwner(dir: string): string[] {
  const bad: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const p = join(e.parentPath, e.name);
    if (e.isDirectory() && modeOf(p) !== 0o700) bad.push(`${p} ${modeOf(p).toString(8)}`);
    if (e.isFile() && modeOf(p) !== 0o600) bad.push(`${p} ${modeOf(p).toString(8)}`);
  }
  return bad;
}
