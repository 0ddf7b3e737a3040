import type { Bindings, CompiledPolicy, CompileOptions, RegoModule, RegoVersion } from '../api.js';
import { fromJS, RObject, type Value } from '../value.js';
import type { CaseEntry, ConformanceCase } from './cases.js';
import { actualKeys, expectedKeys, sameSolutions, showSolutions } from './compare.js';
import { CONFORMANCE_BUILTINS } from './test-builtins.js';

/** What the harness needs of the interpreter (a subset of `rego/index.ts`). */
export interface RegoApi {
  compile(modules: RegoModule[], opts?: CompileOptions): CompiledPolicy;
  parseValue?: (text: string) => Value;
}

export interface RunOptions {
  regoVersion?: RegoVersion;
  /** Evaluation budget handed to the interpreter; the worker pool enforces a hard limit too. */
  timeoutMs?: number;
}

export interface CaseResult {
  id: string;
  category: string;
  pass: boolean;
  /** Why it failed (or the error text seen, for error cases). */
  error?: string;
  ms: number;
}

const clip = (s: string, max = 600): string => (s.length > max ? `${s.slice(0, max)}…` : s);

interface ErrorLike {
  name?: string;
  code?: unknown;
  message?: string;
  stack?: string;
}

const isRegoError = (e: unknown): e is ErrorLike & { code: string; message: string } =>
  typeof e === 'object' && e !== null && (e as ErrorLike).name === 'RegoError';

/** `input_term` is a Rego term (it may hold sets): parse it with the interpreter itself. */
function termToValue(rego: RegoApi, term: string, regoVersion: RegoVersion | undefined): Value {
  if (rego.parseValue) return rego.parseValue(term);
  const sols = rego.compile([], { regoVersion }).query(`__input_term__ = ${term}`);
  const v = sols[0]?.get('__input_term__');
  if (v === undefined) throw new Error(`input_term did not evaluate: ${term}`);
  return v;
}

function inputOf(entry: CaseEntry, rego: RegoApi, regoVersion: RegoVersion | undefined): Value | undefined {
  const c = entry.case;
  if (typeof c.input_term === 'string') return termToValue(rego, c.input_term, regoVersion);
  return entry.hasInput ? fromJS(c.input) : undefined;
}

/** Decides pass/fail from what evaluation produced, following OPA's TestRego rules. */
export function judge(c: ConformanceCase, solutions: Bindings[] | undefined, err: unknown): string | null {
  const wantsError = c.want_error !== undefined || c.want_error_code !== undefined;
  if (err !== undefined) {
    if (!isRegoError(err)) {
      const e = err as ErrorLike;
      return clip(`exception: ${e?.stack ?? e?.message ?? String(err)}`);
    }
    // No case expects a compile-time error: OPA's runner fails the test on any.
    if (err.code.startsWith('rego_')) return clip(`compile error: ${err.message}`);
    if (!wantsError) return clip(`unexpected error: ${err.message}`);
    if (c.want_error_code !== undefined && err.code !== c.want_error_code)
      return clip(`want error code ${c.want_error_code}, got: ${err.message}`);
    if (c.want_error !== undefined && !err.message.includes(c.want_error))
      return clip(`want error containing ${JSON.stringify(c.want_error)}, got: ${err.message}`);
    return null;
  }
  const opts = {
    sortBindings: c.sort_bindings === true,
    ignoreGeneratedVars: c.ignore_generated_vars === true,
  };
  const got = actualKeys(solutions ?? [], opts);
  if (wantsError) {
    const want = c.want_error_code ?? c.want_error;
    return clip(`want error ${JSON.stringify(want)}, got result ${showSolutions(got)}`);
  }
  if (c.want_result === undefined) return 'case has no expectation (want_result/want_error)';
  const want = expectedKeys(c.want_result, opts);
  if (sameSolutions(want, got)) return null;
  return clip(`want ${showSolutions(want)}\n  got ${showSolutions(got)}`);
}

/** Runs one case in-process; never throws (every exception becomes a failed result). */
export function runCase(entry: CaseEntry, rego: RegoApi, opts: RunOptions = {}): CaseResult {
  const started = performance.now();
  const c = entry.case;
  const done = (error: string | null): CaseResult => ({
    id: entry.id,
    category: entry.category,
    pass: error === null,
    ...(error === null ? {} : { error }),
    ms: performance.now() - started,
  });
  let compiled: CompiledPolicy;
  let input: Value | undefined;
  try {
    const modules = (c.modules ?? []).map((source, i) => ({ name: `test-${i}.rego`, source }));
    compiled = rego.compile(modules, {
      regoVersion: opts.regoVersion,
      experimentalKeywords: c.experimental_keywords === true,
      extraBuiltins: CONFORMANCE_BUILTINS,
    });
    input = inputOf(entry, rego, opts.regoVersion);
  } catch (e) {
    const text = isRegoError(e) ? e.message : ((e as ErrorLike)?.stack ?? String(e));
    return done(clip(`compile error: ${text}`));
  }
  let solutions: Bindings[] | undefined;
  let err: unknown;
  try {
    const data = c.data === undefined || c.data === null ? new RObject() : fromJS(c.data);
    solutions = compiled.query(c.query, {
      input,
      data,
      strictBuiltinErrors: c.strict_error === true,
      timeoutMs: opts.timeoutMs,
    });
  } catch (e) {
    err = e ?? new Error('thrown undefined');
  }
  try {
    return done(judge(c, solutions, err));
  } catch (e) {
    return done(clip(`harness: cannot compare results: ${(e as Error)?.message ?? String(e)}`));
  }
}
