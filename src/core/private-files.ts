/**
 * Owner-only files under `$JITSUDO_HOME`: the master key, the data-dir lock, PGlite's data files and
 * the CLI's credentials. `mkdirSync(…, { mode })` does nothing to a directory that already exists and
 * PGlite writes its initial cluster files 0666 whatever the umask, so modes are set explicitly.
 */
import { chmodSync, lstatSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const onPosix = process.platform !== 'win32';

/** Creates `dir` (and parents) if needed and makes it 0700 even when it existed with a wider mode. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (onPosix && (statSync(dir).mode & 0o777) !== 0o700) chmodSync(dir, 0o700);
}

/** Makes `file` 0600 when group or others have any access to it. */
export function tightenFile(file: string): void {
  if (onPosix && lstatSync(file).mode & 0o077) chmodSync(file, 0o600);
}

/**
 * Walks `dir`: directories become 0700 and regular files 0600 (symlinks are not followed). A file
 * that vanishes mid-walk (PostgreSQL removes temporary files) is skipped.
 */
export function tightenTree(dir: string): void {
  if (!onPosix) return;
  ensurePrivateDir(dir);
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    try {
      if (e.isDirectory()) tightenTree(path);
      else if (e.isFile()) tightenFile(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}

/**
 * Runs `fn` with the process umask at 077, so files and directories it creates have no group or
 * other bits; the previous umask is restored afterwards. Not on Windows (no umask there).
 */
export async function withPrivateUmask<T>(fn: () => Promise<T>): Promise<T> {
  if (!onPosix) return fn();
  let previous: number;
  try {
    previous = process.umask(0o077);
  } catch {
    return fn(); // worker threads may not change the umask; the tightenTree walks still apply
  }
  try {
    return await fn();
  } finally {
    process.umask(previous);
  }
}
