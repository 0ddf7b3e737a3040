/**
 * Calls: builtins (errors recorded per OPA's strict/non-strict rules), user functions (memoized
 * per argument values, conflicts detected), `print`, and `with`-mocked functions.
 */

import { BuiltinError } from '../builtins/types.js';
import type { CallIR, FnTarget, RNode } from '../compiler/ir.js';
import { RegoError } from '../errors.js';
import { canonical, RSet, type Value } from '../value.js';
import { evalFunc } from './rules.js';
import type { Ctx, Ev, F, KV, Memo } from './state.js';
import { UNDEF } from './state.js';
import { evalArgs, evalTerm } from './terms.js';

/** Evaluates a call term (mocks first), passing each result to `k`. */
export function evalCall(ev: Ev, ctx: Ctx, call: CallIR, f: F, k: KV): boolean {
  const fn = call.fn;
  if (ctx.mocks !== undefined) {
    const m = ctx.mocks.get(fn.name);
    if (m) {
      if (m.value !== undefined) {
        const mv = m.value;
        return evalArgs(ev, ctx, call.args, f, () => k(mv));
      }
      const inner: Ctx = { input: ctx.input, overlay: ctx.overlay, mocks: undefined, cache: new Map() };
      return evalArgs(ev, ctx, call.args, f, (args) => {
        const v = invoke(ev, inner, m.fn!, args, call);
        return v === undefined ? false : emit(m.fn!, v, k);
      });
    }
  }
  if (fn.kind === 'print') {
    for (const a of call.args) {
      const vals = new RSet();
      evalTerm(ev, ctx, a, f, (v) => {
        vals.add(v);
        return false;
      });
    }
    return k(true);
  }
  return evalArgs(ev, ctx, call.args, f, (args) => {
    const v = invoke(ev, ctx, fn, args, call);
    return v === undefined ? false : emit(fn, v, k);
  });
}

/** Relation builtins return every output as an array. */
function emit(fn: FnTarget, v: Value, k: KV): boolean {
  if (fn.kind === 'builtin' && fn.def.relation) {
    for (const x of v as Value[]) if (k(x)) return true;
    return false;
  }
  return k(v);
}

/** Calls a function on evaluated arguments; builtin errors are recorded and yield undefined. */
export function invoke(ev: Ev, ctx: Ctx, fn: FnTarget, args: Value[], call: CallIR): Value | undefined {
  if (fn.kind === 'user') return callUser(ev, ctx, fn.node, args);
  if (fn.kind === 'print') return true;
  let out: Value | undefined;
  // Work over a long string argument (count, replace, regex, ...) is linear in its length: charge it
  // first, so a loop over big strings checks the deadline on every call.
  try {
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (typeof a === 'string' && a.length >= 1024) ev.bctx.charge?.(a.length);
    }
    out = fn.def.impl(args, ev.bctx);
  } catch (e) {
    if (e instanceof BuiltinError) {
      ev.builtinError(e.code, `${fn.def.name}: ${e.message}`, call.loc);
      return undefined;
    }
    if (e instanceof RegoError) throw e.location ? e : located(e, fn.def.name, call.loc);
    if (e instanceof RangeError) throw tooLarge(e, fn.def.name, call.loc);
    ev.builtinError('eval_builtin_error', `${fn.def.name}: ${(e as Error)?.message ?? String(e)}`, call.loc);
    return undefined;
  }
  // Large outputs (split, concat, repeat, ...) cost budget in proportion to their size.
  if ((typeof out === 'string' || Array.isArray(out)) && fn.def.chargesOutput !== true) {
    if (out.length >= 1024) ev.bctx.charge?.(out.length);
  }
  return out;
}

/** A budget error raised inside a builtin, placed at the call (and named after the builtin). */
function located(e: RegoError, name: string, loc: CallIR['loc']): RegoError {
  return new RegoError(e.code, `${name}: ${e.detail}`, loc);
}

/**
 * V8 refuses a string, array or BigInt past its size limit with a RangeError: a budget error at the
 * call, not the "nested too deeply" a stack overflow means (that one is rethrown as it is).
 */
function tooLarge(e: RangeError, name: string, loc: CallIR['loc']): RangeError | RegoError {
  if (/call stack/i.test(e.message)) return e;
  return new RegoError('eval_budget_error', `${name}: result too large (${e.message})`, loc);
}

/** Scalar-only argument lists are cheap to key, so only those calls are memoized. */
function memoKey(args: Value[]): string | undefined {
  let key = '';
  for (const a of args) {
    if (a !== null && typeof a === 'object') return undefined;
    key += `${canonical(a)}\u0001`;
  }
  return key;
}

function callUser(ev: Ev, ctx: Ctx, node: RNode, args: Value[]): Value | undefined {
  const key = memoKey(args);
  if (key === undefined) return evalFunc(ev, ctx, node, args);
  let memo = ctx.cache.get(node) as unknown as Map<string, Memo> | undefined;
  if (!memo) {
    memo = new Map();
    ctx.cache.set(node, memo as unknown as Memo);
  }
  const hit = memo.get(key);
  if (hit !== undefined) return hit === UNDEF ? undefined : hit;
  const v = evalFunc(ev, ctx, node, args);
  memo.set(key, v === undefined ? UNDEF : v);
  return v;
}
