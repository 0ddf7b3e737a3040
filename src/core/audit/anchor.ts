/**
 * Outside anchors (`audit.anchor`, docs/adr/0035): each signed checkpoint is also appended to a file
 * and/or POSTed to a URL the database's writers cannot reach, as one JSON line. A writer who deletes
 * the tail of the log together with the checkpoints over it cannot delete the anchored copy, and
 * `jitsudo audit verify --anchor <file>` checks the chain against the newest line.
 */
import { appendFile, open } from 'node:fs/promises';
import { AppError } from '../errors.js';
import type { AuditCheckpoint } from './checkpoint-sign.js';
import { AnchoredCheckpoint } from './verify.js';

export interface AnchorConfig {
  file?: string;
  url?: string;
}

/** The anchor line of a checkpoint (the same object an export carries). */
export function anchorLine(c: AuditCheckpoint): string {
  return JSON.stringify({ type: 'checkpoint', ...c });
}

/**
 * Appends `c` to the anchor file and POSTs it to the anchor URL (5 s timeout). Returns the targets
 * that failed; a failure never undoes the checkpoint (the next one is anchored again).
 */
export async function writeAnchor(cfg: AnchorConfig, c: AuditCheckpoint): Promise<string[]> {
  const line = anchorLine(c);
  const failed: string[] = [];
  const jobs: Promise<unknown>[] = [];
  if (cfg.file)
    jobs.push(
      appendFile(cfg.file, `${line}\n`, { mode: 0o600, flush: true }).catch(() => failed.push('file')),
    );
  if (cfg.url)
    jobs.push(
      fetch(cfg.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: line,
        signal: AbortSignal.timeout(5000),
      })
        .then((res) => {
          if (!res.ok) failed.push('url');
        })
        .catch(() => failed.push('url')),
    );
  await Promise.all(jobs);
  return failed;
}

/**
 * The newest checkpoint in an anchor file (its last complete line), or null for an empty or absent
 * file. Reads only the file's tail: an anchor grows by one line a minute for years. Throws
 * VALIDATION when that line is not an anchored checkpoint.
 */
export async function readAnchorTip(path: string): Promise<AuditCheckpoint | null> {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  try {
    const { size } = await fh.stat();
    const len = Math.min(size, 64 * 1024);
    const buf = Buffer.alloc(len);
    await fh.read(buf, 0, len, size - len);
    const lines = buf
      .toString('utf8')
      .split('\n')
      .map((l) => l.trim());
    const last = lines.filter((l) => l !== '').at(-1);
    if (last === undefined) return null;
    let obj: unknown;
    try {
      obj = JSON.parse(last);
    } catch {
      throw new AppError('VALIDATION', `anchor file ${path}: the last line is not JSON`);
    }
    const parsed = AnchoredCheckpoint.safeParse(obj);
    if (!parsed.success)
      throw new AppError('VALIDATION', `anchor file ${path}: the last line is not an anchored checkpoint`);
    const { type: _t, ...c } = parsed.data;
    return c;
  } finally {
    await fh.close();
  }
}
