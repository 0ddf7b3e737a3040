/**
 * jitsudo's in-process Rego interpreter: `compile` modules once, then `query` or `evalRef` per
 * decision. See `api.ts` for the contract.
 */
import type { Bindings, CompiledPolicy, CompileOptions, EvalOptions, RegoModule } from './api.js';
import { goUnmarshal } from './builtins/set-b/go-json.js';
import { BuiltinError } from './builtins/types.js';
import { compileModules, compileQuery, type Program } from './compiler/compile.js';
import type { CQuery, IRTerm } from './compiler/ir.js';
import { Resolver } from './compiler/resolve.js';
import { Frame, Scope } from './compiler/scope.js';
import { RegoError } from './errors.js';
import { evalBody } from './eval/exprs.js';
import { evalRef } from './eval/refs.js';
import { type Ctx, Ev, nowNanos } from './eval/state.js';
import { parseTermSource } from './parser/index.js';
import { RObject, type Value } from './value.js';

export type * from './api.js';
export { RegoError } from './errors.js';

const DEFAULT_MAX_STEPS = 1_000_000;
const DEFAULT_TIMEOUT_MS = 1000;
const QUERY_CACHE_MAX = 256;

function newEv(program: Program, opts: EvalOptions): Ev {
  return new Ev({
    root: program.root,
    base: opts.data ?? new RObject(),
    strict: opts.strictBuiltinErrors === true,
    nowNs: opts.nowNs ?? nowNanos(),
    maxSteps: opts.maxSteps ?? DEFAULT_MAX_STEPS,
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  });
}

const newCtx = (opts: EvalOptions): Ctx => ({
  input: opts.input,
  overlay: undefined,
  mocks: undefined,
  cache: new Map(),
});

/** Runs `fn`, turning a JS stack overflow (deep data or policy) into a clear RegoError. */
function guarded<T>(ev: Ev, fn: () => T): T {
  let out: T;
  try {
    out = fn();
  } catch (e) {
    if (e instanceof RegoError) throw e;
    if (e instanceof RangeError) {
      throw new RegoError(
        'eval_budget_error',
        'evaluation exceeded the maximum nesting depth (input, data or policy is nested too deeply)',
      );
    }
    throw new RegoError('eval_internal_error', `internal error: ${(e as Error)?.message ?? String(e)}`);
  }
  if (ev.strict && ev.builtinErrors.length > 0) throw ev.builtinErrors[0]!;
  return out;
}

class Policy implements CompiledPolicy {
  readonly packages: readonly string[];
  private readonly queries = new Map<string, CQuery>();

  constructor(private readonly program: Program) {
    this.packages = program.packages;
  }

  query(source: string, opts: EvalOptions = {}): Bindings[] {
    let q = this.queries.get(source);
    if (!q) {
      q = compileQuery(this.program, source);
      if (this.queries.size >= QUERY_CACHE_MAX) this.queries.clear();
      this.queries.set(source, q);
    }
    const cq = q;
    const ev = newEv(this.program, opts);
    const ctx = newCtx(opts);
    const f: (Value | undefined)[] = new Array(cq.nslots);
    const results: Bindings[] = [];
    return guarded(ev, () => {
      evalBody(ev, ctx, cq.body, 0, f, () => {
        const m: Bindings = new Map();
        for (const { name, slot } of cq.vars) {
          const v = f[slot];
          if (v !== undefined) m.set(name, v);
        }
        results.push(m);
        return false;
      });
      return results;
    });
  }

  evalRef(path: readonly string[], opts: EvalOptions = {}): Value | undefined {
    const ev = newEv(this.program, opts);
    const ctx = newCtx(opts);
    const ref: Extract<IRTerm, { k: 'ref' }> = {
      k: 'ref',
      root: 'data',
      path: path.map((v) => ({ k: 'const', v })),
      loc: { file: 'evalRef', row: 1, col: 1 },
    };
    let out: Value | undefined;
    return guarded(ev, () => {
      evalRef(ev, ctx, ref, [], (v) => {
        out = v;
        return true;
      });
      return out;
    });
  }
}

/** Compiles modules; throws RegoError (with `.others`) for parse and compile errors. */
export function compile(modules: RegoModule[], opts: CompileOptions = {}): CompiledPolicy {
  return new Policy(compileModules(modules, opts));
}

/** Parses a Rego term made of constants (objects, arrays, sets, scalars) into a Value. */
export function parseValue(text: string): Value {
  const term = parseTermSource(text);
  const program = compileModules([]);
  const frame = new Frame();
  const r = new Resolver(
    {
      file: 'term',
      pkg: [],
      imports: new Map(),
      globals: new Set(),
      builtins: program.builtins,
      tree: program.root,
    },
    frame,
    new Scope(undefined, new Set()),
  );
  const ir = r.term(term);
  if (ir.k !== 'const') throw new RegoError('rego_parse_error', 'term must be a constant value', term.loc);
  return ir.v;
}

export const parseTerm = parseValue;

/**
 * Parses JSON text (an input or data document) as OPA reads JSON: integers exact at any size, and
 * numbers a double cannot hold (`2e308`, `1e-400`) kept with their text, where `JSON.parse` would
 * give Infinity or 0. Throws RegoError (`rego_parse_error`) on invalid JSON.
 */
export function parseJSON(text: string): Value {
  try {
    return goUnmarshal(text);
  } catch (e) {
    if (e instanceof BuiltinError) throw new RegoError('rego_parse_error', `invalid JSON: ${e.message}`);
    if (e instanceof RangeError) throw new RegoError('rego_parse_error', 'invalid JSON: nested too deeply');
    throw e;
  }
}
