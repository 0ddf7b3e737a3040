import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CaseEntry } from './cases.js';
import type { CaseResult, RunOptions } from './run-case.js';

export interface PoolOptions extends RunOptions {
  /** Parallel workers (the machines have 2 cores). */
  jobs?: number;
  /** Per-case budget in ms; the interpreter gets it as `timeoutMs`, the pool kills at ~2x. */
  timeoutMs?: number;
  onResult?: (r: CaseResult) => void;
}

/**
 * Workers must load TypeScript whether the parent runs under tsx or vitest, so they bootstrap
 * through tsx's `tsImport` rather than inheriting the parent's loader.
 */
function spawn(): Worker {
  const workerUrl = new URL('./worker.ts', import.meta.url);
  const tsxApi = createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs');
  const code = `import(${JSON.stringify(pathToFileURL(tsxApi).href)}).then((api) =>
    api.tsImport(${JSON.stringify(workerUrl.href)}, ${JSON.stringify(workerUrl.href)}))`;
  return new Worker(code, { eval: true, resourceLimits: { maxOldGenerationSizeMb: 1024 } });
}

/** Runs every case in isolated workers; resolves with results in the order of `entries`. */
export function runPool(entries: readonly CaseEntry[], opts: PoolOptions = {}): Promise<CaseResult[]> {
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const hardMs = timeoutMs * 2 + 1_000;
  const runOpts: RunOptions = { regoVersion: opts.regoVersion, timeoutMs };
  const results: CaseResult[] = new Array(entries.length);
  const jobs = Math.max(1, Math.min(opts.jobs ?? 2, entries.length));
  let next = 0;
  let finished = 0;

  return new Promise((resolve) => {
    if (entries.length === 0) return resolve([]);
    const record = (i: number, r: CaseResult) => {
      results[i] = r;
      finished++;
      opts.onResult?.(r);
      if (finished === entries.length) resolve(results);
    };

    const startSlot = () => {
      if (next >= entries.length) return;
      const worker = spawn();
      let current = -1;
      let started = 0;
      let timer: NodeJS.Timeout | undefined;
      let dead = false;
      let ready = false;

      const dispatch = () => {
        if (next >= entries.length) {
          dead = true;
          void worker.terminate();
          return;
        }
        current = next++;
        started = performance.now();
        timer = setTimeout(() => fail(`timeout: no answer within ${hardMs} ms (killed)`), hardMs);
        worker.postMessage({ entry: entries[current], opts: runOpts });
      };
      // A dead worker fails its current case and hands the rest of the queue to a fresh one.
      const fail = (why: string) => {
        if (dead) return;
        dead = true;
        clearTimeout(timer);
        void worker.terminate();
        if (current >= 0 && results[current] === undefined) {
          const e = entries[current]!;
          record(current, {
            id: e.id,
            category: e.category,
            pass: false,
            error: why,
            ms: performance.now() - started,
          });
        } else if (!ready) {
          // The worker died before running anything: count the next case against it so a
          // broken bootstrap cannot loop forever.
          if (next < entries.length) {
            const i = next++;
            const e = entries[i]!;
            record(i, { id: e.id, category: e.category, pass: false, error: `worker failed: ${why}`, ms: 0 });
          }
        }
        startSlot();
      };

      worker.on('message', (msg: { type: string; result?: CaseResult }) => {
        if (dead) return;
        ready = true;
        if (msg.type === 'result' && current >= 0) {
          clearTimeout(timer);
          record(current, msg.result!);
          current = -1;
        }
        dispatch();
      });
      worker.on('error', (e) => fail(`worker crashed: ${e?.message ?? String(e)}`));
      worker.on('exit', (code) => fail(`worker exited with code ${code}`));
    };

    for (let j = 0; j < jobs; j++) startSlot();
  });
}
