import { readFileSync, statSync } from 'node:fs';
import { usageError } from './errors.js';

/** Reads a user-named text file, refusing what is missing, not a file, or larger than `max` bytes. */
export function readTextFile(path: string, max: number): string {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw usageError(`${path} is not a file`);
    size = st.size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw usageError(`no such file: ${path}`);
    throw e;
  }
  if (size > max) throw usageError(`${path} is larger than ${Math.round(max / 1024)} KiB`);
  return readFileSync(path, 'utf8');
}
