/**
 * Worker-thread entry of the conformance pool. A case that hangs or crashes takes down only this
 * worker; the pool kills it and starts another.
 */
import { parentPort } from 'node:worker_threads';
import type { CaseEntry } from './cases.js';
import { type RegoApi, type RunOptions, runCase } from './run-case.js';

let rego: RegoApi | undefined;
let loadError = '';
try {
  rego = (await import('../index.js')) as unknown as RegoApi;
} catch (e) {
  loadError = `interpreter not available: ${(e as Error)?.message ?? String(e)}`;
}

parentPort!.on('message', (msg: { entry: CaseEntry; opts: RunOptions }) => {
  const result = rego
    ? runCase(msg.entry, rego, msg.opts)
    : { id: msg.entry.id, category: msg.entry.category, pass: false, error: loadError, ms: 0 };
  parentPort!.postMessage({ type: 'result', result });
});
parentPort!.postMessage({ type: 'ready' });
