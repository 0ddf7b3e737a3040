/**
 * The public contract of the Rego interpreter. `rego/index.ts` implements it; the conformance
 * harness, the policy engines and the benchmarks use only what is declared here.
 */
import type { BuiltinDef } from './builtins/types.js';
import type { Value } from './value.js';

export type RegoVersion = 'v0' | 'v1';

export interface RegoModule {
  /** File name used in error locations, e.g. `test-0.rego` or `policies/eligibility.rego`. */
  readonly name: string;
  readonly source: string;
  /** Per-module syntax; defaults to the compile option, which defaults to `v1`. */
  readonly regoVersion?: RegoVersion;
}

export interface CompileOptions {
  readonly regoVersion?: RegoVersion;
  /** OPA's experimental keywords (`future.keywords.and/or/not` in logic_operators). */
  readonly experimentalKeywords?: boolean;
  /** Extra builtins (e.g. the test-only `test.sleep`), or declarations for `with` mocking. */
  readonly extraBuiltins?: readonly BuiltinDef[];
}

export interface EvalOptions {
  /** The `input` document; undefined means no input. */
  readonly input?: Value;
  /** The base `data` document (an RObject); merged with the virtual documents the rules define. */
  readonly data?: Value;
  /** Strict builtin errors: the first recorded builtin error becomes the query's error. */
  readonly strictBuiltinErrors?: boolean;
  /** Clock for `time.now_ns()`, fixed for the whole evaluation. Defaults to the real clock. */
  readonly nowNs?: bigint;
  /** Evaluation budget: maximum evaluation steps before `eval_budget_error`. */
  readonly maxSteps?: number;
  /** Evaluation budget: wall-clock milliseconds before `eval_budget_error`. */
  readonly timeoutMs?: number;
}

/** One solution of a query: every variable the query binds, by name. */
export type Bindings = Map<string, Value>;

export interface CompiledPolicy {
  /** Parses and evaluates a query body (`data.p.q = x; y := 1`) against the compiled modules. */
  query(query: string, opts?: EvalOptions): Bindings[];
  /**
   * Evaluates one document by path (`['jitsudo', 'eligibility', 'allow']` for
   * `data.jitsudo.eligibility.allow`); `undefined` when the document is undefined. The fast path
   * the broker uses: no query parsing per call.
   */
  evalRef(path: readonly string[], opts?: EvalOptions): Value | undefined;
  /** Packages the modules declare, as dotted paths (`jitsudo.eligibility`). */
  readonly packages: readonly string[];
}

export type RegoErrorCode =
  | 'rego_parse_error'
  | 'rego_compile_error'
  | 'rego_type_error'
  | 'rego_recursion_error'
  | 'rego_unsafe_var_error'
  | 'eval_type_error'
  | 'eval_builtin_error'
  | 'eval_conflict_error'
  | 'eval_budget_error'
  | 'eval_internal_error';

export interface RegoLocation {
  readonly file: string;
  readonly row: number;
  readonly col: number;
  /** The offending source text, when known. */
  readonly text?: string;
}
