import type { EvalOptions, RegoModule } from '../../../../src/core/policy/rego/api.js';
import { compile, RegoError } from '../../../../src/core/policy/rego/index.js';
import { fromJS, toJS } from '../../../../src/core/policy/rego/value.js';

/** Compiles one v1 module named `p.rego`. */
export const policy = (source: string, regoVersion: RegoModule['regoVersion'] = 'v1') =>
  compile([{ name: 'p.rego', source, regoVersion }]);

/** Runs `query` and returns its solutions as plain JSON-ish objects. */
export function solutions(source: string, query: string, input?: unknown, opts: EvalOptions = {}) {
  const p = policy(source);
  const res = p.query(query, { ...opts, ...(input === undefined ? {} : { input: fromJS(input) }) });
  return res.map((m) => Object.fromEntries([...m].map(([k, v]) => [k, toJS(v)])));
}

/** The value of `data.<path>` as plain JS (undefined when undefined). */
export function value(source: string, path: string, input?: unknown, opts: EvalOptions = {}) {
  const p = policy(source);
  const v = p.evalRef(path.split('.'), { ...opts, ...(input === undefined ? {} : { input: fromJS(input) }) });
  return v === undefined ? undefined : toJS(v);
}

/** The RegoError `fn` throws (fails the test if it throws anything else or nothing). */
export function regoError(fn: () => unknown): RegoError {
  try {
    fn();
  } catch (e) {
    if (e instanceof RegoError) return e;
    throw new Error(`expected a RegoError, got ${String(e)}`);
  }
  throw new Error('expected a RegoError, nothing was thrown');
}
