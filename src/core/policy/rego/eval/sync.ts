/**
 * The inline fast path for expressions the compiler marked deterministic (`det`): terms are
 * evaluated directly to one value (or undefined) and patterns matched without continuations.
 * Bindings made here are recorded so the body loop can undo them on backtracking.
 */
import type { CallIR, IRExpr, IRTerm } from '../compiler/ir.js';
import { equal, RObject, RSet, type Value } from '../value.js';
import { evalCall, invoke } from './calls.js';
import { lookup } from './collections.js';
import { evalStep } from './exprs.js';
import { evalRef } from './refs.js';
import type { Ctx, Ev, F } from './state.js';
import { evalTerm } from './terms.js';

const TRUE = () => true;

/** The single value of a term that cannot enumerate; undefined when it has none. */
export function termValue(ev: Ev, ctx: Ctx, t: IRTerm, f: F): Value | undefined {
  switch (t.k) {
    case 'const':
      return t.v;
    case 'var':
      return f[t.slot];
    case 'ref': {
      if (t.root !== 'input') return captured(ev, ctx, t, f);
      let v: Value | undefined = ctx.input;
      const path = t.path;
      for (let i = 0; i < path.length && v !== undefined; i++) {
        const seg = path[i]!;
        const key = seg.k === 'const' ? seg.v : termValue(ev, ctx, seg, f);
        if (key === undefined) return undefined;
        v = lookup(v, key);
      }
      return v;
    }
    case 'array': {
      const out: Value[] = new Array(t.items.length);
      for (let i = 0; i < t.items.length; i++) {
        const v = termValue(ev, ctx, t.items[i]!, f);
        if (v === undefined) return undefined;
        out[i] = v;
      }
      return out;
    }
    case 'set': {
      const out = new RSet();
      for (const x of t.items) {
        const v = termValue(ev, ctx, x, f);
        if (v === undefined) return undefined;
        out.add(v);
      }
      return out;
    }
    case 'object': {
      const out = new RObject();
      for (let i = 0; i < t.keys.length; i++) {
        const key = termValue(ev, ctx, t.keys[i]!, f);
        const v = key === undefined ? undefined : termValue(ev, ctx, t.values[i]!, f);
        if (v === undefined) return undefined;
        out.set(key!, v);
      }
      return out;
    }
    case 'call':
      return callValue(ev, ctx, t, f);
    default:
      return captured(ev, ctx, t, f);
  }
}

function captured(ev: Ev, ctx: Ctx, t: IRTerm, f: F): Value | undefined {
  let out: Value | undefined;
  if (t.k === 'ref') {
    evalRef(ev, ctx, t, f, (v) => {
      out = v;
      return true;
    });
  } else {
    evalTerm(ev, ctx, t, f, (v) => {
      out = v;
      return true;
    });
  }
  return out;
}

function callValue(ev: Ev, ctx: Ctx, call: CallIR, f: F): Value | undefined {
  if (ctx.mocks !== undefined || call.fn.kind === 'print') {
    let out: Value | undefined;
    evalCall(ev, ctx, call, f, (v) => {
      out = v;
      return true;
    });
    return out;
  }
  const n = call.args.length;
  const args: Value[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const v = termValue(ev, ctx, call.args[i]!, f);
    if (v === undefined) return undefined;
    args[i] = v;
  }
  return invoke(ev, ctx, call.fn, args, call);
}

/** Matches pattern `t` against `v`, recording new bindings in `undo`. */
function match(ev: Ev, ctx: Ctx, t: IRTerm, v: Value, f: F, undo: number[]): boolean {
  switch (t.k) {
    case 'const':
      return equal(t.v, v);
    case 'var': {
      const b = f[t.slot];
      if (b !== undefined) return equal(b, v);
      f[t.slot] = v;
      undo.push(t.slot);
      return true;
    }
    case 'array': {
      if (!Array.isArray(v) || v.length !== t.items.length) return false;
      for (let i = 0; i < v.length; i++) if (!match(ev, ctx, t.items[i]!, v[i]!, f, undo)) return false;
      return true;
    }
    case 'object': {
      if (!(v instanceof RObject) || v.size !== t.keys.length) return false;
      for (let i = 0; i < t.keys.length; i++) {
        const key = termValue(ev, ctx, t.keys[i]!, f);
        const x = key === undefined ? undefined : v.get(key);
        if (x === undefined || !match(ev, ctx, t.values[i]!, x, f, undo)) return false;
      }
      return true;
    }
    default: {
      const w = termValue(ev, ctx, t, f);
      return w !== undefined && equal(w, v);
    }
  }
}

/** Runs a deterministic expression inline; false when it fails. */
export function evalDet(ev: Ev, ctx: Ctx, e: IRExpr, f: F, undo: number[]): boolean {
  switch (e.k) {
    case 'term': {
      const v = termValue(ev, ctx, e.t, f);
      return v !== undefined && v !== false;
    }
    case 'call': {
      const v = callValue(ev, ctx, e.call, f);
      if (v === undefined) return false;
      return e.out === undefined ? v !== false : match(ev, ctx, e.out, v, f, undo);
    }
    case 'unify': {
      const a = e.a;
      const b = e.b;
      if (settled(a, f)) {
        const v = termValue(ev, ctx, a, f);
        return v !== undefined && match(ev, ctx, b, v, f, undo);
      }
      const v = termValue(ev, ctx, b, f);
      return v !== undefined && match(ev, ctx, a, v, f, undo);
    }
    default:
      return evalStep(ev, ctx, e, f, TRUE);
  }
}

/** No unbound variable in a pattern position (so the term can be evaluated as a value). */
function settled(t: IRTerm, f: F): boolean {
  switch (t.k) {
    case 'var':
      return f[t.slot] !== undefined;
    case 'array':
      return t.items.every((x) => settled(x, f));
    case 'object':
      return t.values.every((x) => settled(x, f));
    default:
      return true;
  }
}
