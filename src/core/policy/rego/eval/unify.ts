/**
 * Unification with backtracking. Bindings live in frame slots; every binding is undone when its
 * continuation returns, so alternative solutions start from a clean frame.
 */
import type { IRTerm } from '../compiler/ir.js';
import { equal, RObject, type Value } from '../value.js';
import type { Ctx, Ev, F, K } from './state.js';
import { evalArgs, evalTerm, groundNow } from './terms.js';

function bindK(f: F, slot: number, v: Value, k: K): boolean {
  f[slot] = v;
  const r = k();
  f[slot] = undefined;
  return r;
}

/** Unifies two terms (either may hold unbound variables), then continues. */
export function unify(ev: Ev, ctx: Ctx, a: IRTerm, b: IRTerm, f: F, k: K): boolean {
  if (a.k === 'var') {
    const va = f[a.slot];
    if (va !== undefined) return unifyVal(ev, ctx, b, va, f, k);
    if (b.k === 'var') {
      const vb = f[b.slot];
      return vb === undefined ? false : bindK(f, a.slot, vb, k);
    }
    if (!groundNow(b, f)) return false;
    return evalTerm(ev, ctx, b, f, (v) => bindK(f, a.slot, v, k));
  }
  if (b.k === 'var') return unify(ev, ctx, b, a, f, k);
  if (a.k === 'const') return unifyVal(ev, ctx, b, a.v, f, k);
  if (b.k === 'const') return unifyVal(ev, ctx, a, b.v, f, k);
  if (a.k === 'array' && b.k === 'array') {
    if (a.items.length !== b.items.length) return false;
    return unifyPairs(ev, ctx, a.items, b.items, allIndexes(a.items.length), f, k);
  }
  if (a.k === 'object' && b.k === 'object') return unifyObjects(ev, ctx, a, b, f, k);
  if (groundNow(a, f)) return evalTerm(ev, ctx, a, f, (v) => unifyVal(ev, ctx, b, v, f, k));
  if (groundNow(b, f)) return evalTerm(ev, ctx, b, f, (v) => unifyVal(ev, ctx, a, v, f, k));
  return false;
}

const allIndexes = (n: number) => Array.from({ length: n }, (_, i) => i);

/** A pair that cannot make progress yet (e.g. two unbound variables) waits for the others. */
function ready(a: IRTerm, b: IRTerm, f: F): boolean {
  if (a.k === 'var' && f[a.slot] === undefined) return groundNow(b, f);
  if (b.k === 'var' && f[b.slot] === undefined) return groundNow(a, f);
  if ((a.k === 'array' && b.k === 'array') || (a.k === 'object' && b.k === 'object')) return true;
  return groundNow(a, f) || groundNow(b, f);
}

function unifyPairs(ev: Ev, ctx: Ctx, as: IRTerm[], bs: IRTerm[], pending: number[], f: F, k: K): boolean {
  if (pending.length === 0) return k();
  let pick = -1;
  for (let j = 0; j < pending.length; j++) {
    const i = pending[j]!;
    if (ready(as[i]!, bs[i]!, f)) {
      pick = j;
      break;
    }
  }
  if (pick < 0) return false;
  const i = pending[pick]!;
  const rest = pending.length === 1 ? [] : [...pending.slice(0, pick), ...pending.slice(pick + 1)];
  return unify(ev, ctx, as[i]!, bs[i]!, f, () => unifyPairs(ev, ctx, as, bs, rest, f, k));
}

function unifyObjects(
  ev: Ev,
  ctx: Ctx,
  a: Extract<IRTerm, { k: 'object' }>,
  b: Extract<IRTerm, { k: 'object' }>,
  f: F,
  k: K,
): boolean {
  if (a.keys.length !== b.keys.length) return false;
  return evalArgs(ev, ctx, a.keys, f, (ka) =>
    evalArgs(ev, ctx, b.keys, f, (kb) => {
      const as: IRTerm[] = [];
      const bs: IRTerm[] = [];
      for (let i = 0; i < ka.length; i++) {
        const j = kb.findIndex((x) => equal(x, ka[i]!));
        if (j < 0) return false;
        as.push(a.values[i]!);
        bs.push(b.values[j]!);
      }
      return unifyPairs(ev, ctx, as, bs, allIndexes(as.length), f, k);
    }),
  );
}

/** Matches pattern `t` against the ground value `v`, binding its variables. */
export function unifyVal(ev: Ev, ctx: Ctx, t: IRTerm, v: Value, f: F, k: K): boolean {
  switch (t.k) {
    case 'const':
      return equal(t.v, v) ? k() : false;
    case 'var': {
      const b = f[t.slot];
      if (b !== undefined) return equal(b, v) ? k() : false;
      return bindK(f, t.slot, v, k);
    }
    case 'array':
      if (!Array.isArray(v) || v.length !== t.items.length) return false;
      return unifyItems(ev, ctx, t.items, v, 0, f, k);
    case 'object': {
      if (!(v instanceof RObject) || v.size !== t.keys.length) return false;
      return evalArgs(ev, ctx, t.keys, f, (keys) => {
        const vals: Value[] = [];
        for (const key of keys) {
          const x = v.get(key);
          if (x === undefined) return false;
          vals.push(x);
        }
        return unifyItems(ev, ctx, t.values, vals, 0, f, k);
      });
    }
    default:
      return evalTerm(ev, ctx, t, f, (w) => (equal(w, v) ? k() : false));
  }
}

function unifyItems(ev: Ev, ctx: Ctx, items: IRTerm[], vals: Value[], i: number, f: F, k: K): boolean {
  if (i === items.length) return k();
  return unifyVal(ev, ctx, items[i]!, vals[i]!, f, () => unifyItems(ev, ctx, items, vals, i + 1, f, k));
}
