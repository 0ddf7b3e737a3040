/**
 * Term evaluation in continuation-passing style: a term may produce zero values (undefined), one,
 * or several (refs with unbound variables enumerate).
 */
import type { IRTerm } from '../compiler/ir.js';
import { equal, RObject, RSet, type Value } from '../value.js';
import { evalCall } from './calls.js';
import { evalBody } from './exprs.js';
import { formatTop } from './format.js';
import { evalRef } from './refs.js';
import { type Ctx, conflict, type Ev, type F, type KV } from './state.js';

/** Evaluates a term; `k` receives each of its values (none when undefined). */
export function evalTerm(ev: Ev, ctx: Ctx, t: IRTerm, f: F, k: KV): boolean {
  switch (t.k) {
    case 'const':
      return k(t.v);
    case 'var': {
      const v = f[t.slot];
      return v === undefined ? false : k(v);
    }
    case 'ref':
      return evalRef(ev, ctx, t, f, k);
    case 'array':
      return evalArgs(ev, ctx, t.items, f, k);
    case 'set':
      return evalArgs(ev, ctx, t.items, f, (vs) => k(RSet.from(vs)));
    case 'object':
      return evalArgs(ev, ctx, t.keys, f, (ks) =>
        evalArgs(ev, ctx, t.values, f, (vs) => k(RObject.from(ks.map((key, i) => [key, vs[i]!])))),
      );
    case 'call':
      return evalCall(ev, ctx, t, f, k);
    case 'acomp': {
      const out: Value[] = [];
      evalBody(ev, ctx, t.body, 0, f, () =>
        evalTerm(ev, ctx, t.head, f, (v) => {
          out.push(v);
          return false;
        }),
      );
      return k(out);
    }
    case 'scomp': {
      const out = new RSet();
      evalBody(ev, ctx, t.body, 0, f, () =>
        evalTerm(ev, ctx, t.head, f, (v) => {
          out.add(v);
          return false;
        }),
      );
      return k(out);
    }
    case 'ocomp': {
      const out = new RObject();
      evalBody(ev, ctx, t.body, 0, f, () =>
        evalTerm(ev, ctx, t.key, f, (key) =>
          evalTerm(ev, ctx, t.value, f, (v) => {
            const prev = out.get(key);
            if (prev !== undefined && !equal(prev, v))
              throw conflict('object keys must be unique', undefined);
            out.set(key, v);
            return false;
          }),
        ),
      );
      return k(out);
    }
    case 'template':
      return k(evalTemplate(ev, ctx, t, f));
  }
}

function evalTemplate(ev: Ev, ctx: Ctx, t: Extract<IRTerm, { k: 'template' }>, f: F): string {
  let s = '';
  for (const p of t.parts) {
    if (typeof p === 'string') {
      s += p;
      continue;
    }
    const vals = new RSet();
    evalBody(ev, ctx, p.body, 0, f, () => {
      vals.add(f[p.slot]!);
      return false;
    });
    if (vals.size === 0) s += '<undefined>';
    else if (vals.size === 1) s += formatTop([...vals.values()][0]!);
    else throw conflict('template-strings must not produce multiple outputs', undefined);
  }
  return s;
}

/** Evaluates terms left to right (enumerating where needed) and passes the values on. */
export function evalArgs(
  ev: Ev,
  ctx: Ctx,
  terms: readonly IRTerm[],
  f: F,
  k: (vals: Value[]) => boolean,
): boolean {
  const n = terms.length;
  const vals: Value[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const t = terms[i]!;
    if (t.k === 'const') {
      vals[i] = t.v;
    } else if (t.k === 'var' && f[t.slot] !== undefined) {
      vals[i] = f[t.slot]!;
    } else {
      return argsFrom(ev, ctx, terms, 0, vals, f, k);
    }
  }
  return k(vals);
}

/** Slow path: composite terms first (they may bind variables), plain variables last. */
function argsFrom(
  ev: Ev,
  ctx: Ctx,
  terms: readonly IRTerm[],
  i: number,
  vals: Value[],
  f: F,
  k: (vals: Value[]) => boolean,
): boolean {
  while (i < terms.length && (terms[i]!.k === 'var' || terms[i]!.k === 'const')) i++;
  if (i === terms.length) {
    const out = vals.slice();
    for (let j = 0; j < terms.length; j++) {
      const t = terms[j]!;
      if (t.k === 'var') {
        const v = f[t.slot];
        if (v === undefined) return false;
        out[j] = v;
      } else if (t.k === 'const') {
        out[j] = t.v;
      }
    }
    return k(out);
  }
  return evalTerm(ev, ctx, terms[i]!, f, (v) => {
    vals[i] = v;
    return argsFrom(ev, ctx, terms, i + 1, vals, f, k);
  });
}

/** Whether `t` can be evaluated now (no unbound variable outside ref paths and closures). */
export function groundNow(t: IRTerm, f: F): boolean {
  switch (t.k) {
    case 'var':
      return f[t.slot] !== undefined;
    case 'array':
    case 'set':
      return t.items.every((x) => groundNow(x, f));
    case 'object':
      return t.keys.every((x) => groundNow(x, f)) && t.values.every((x) => groundNow(x, f));
    default:
      return true;
  }
}
