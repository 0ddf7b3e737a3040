/**
 * Body and expression evaluation: conjunction by continuation, `not`, `every`, and `with`.
 */
import type { IRExpr, IRWith } from '../compiler/ir.js';
import { keyOf, RObject, type Value } from '../value.js';
import { evalCall } from './calls.js';
import { forEachEntry, isCollection } from './collections.js';
import type { Ctx, Ev, F, K, Mock, Overlay } from './state.js';
import { evalDet } from './sync.js';
import { evalTerm } from './terms.js';
import { unify, unifyVal } from './unify.js';

/**
 * Evaluates `body[i…]` and calls `k` once per solution. Deterministic expressions run inline in
 * this loop; the first one that may enumerate continues by continuation.
 */
export function evalBody(ev: Ev, ctx: Ctx, body: readonly IRExpr[], i: number, f: F, k: K): boolean {
  const n = body.length;
  let undo: number[] | undefined;
  let r: boolean;
  for (;;) {
    if (i === n) {
      r = k();
      break;
    }
    const e = body[i]!;
    if (e.det !== true) {
      const next = i + 1;
      r = evalExpr(ev, ctx, e, f, () => evalBody(ev, ctx, body, next, f, k));
      break;
    }
    ev.tick();
    if (undo === undefined) undo = [];
    if (!evalDet(ev, ctx, e, f, undo)) {
      r = false;
      break;
    }
    i++;
  }
  if (undo !== undefined) for (const s of undo) f[s] = undefined;
  return r;
}

/** Evaluates one expression (with its `with` modifiers), counting a budget step. */
export function evalExpr(ev: Ev, ctx: Ctx, e: IRExpr, f: F, k: K): boolean {
  ev.tick();
  if (e.with) return evalWith(ev, ctx, e, e.with, 0, [], f, k);
  return evalStep(ev, ctx, e, f, k);
}

/** Evaluates one expression under the current context, ignoring its `with` modifiers. */
export function evalStep(ev: Ev, ctx: Ctx, e: IRExpr, f: F, k: K): boolean {
  switch (e.k) {
    case 'unify':
      return unify(ev, ctx, e.a, e.b, f, k);
    case 'term':
      return evalTerm(ev, ctx, e.t, f, (v) => (v === false ? false : k()));
    case 'call': {
      const out = e.out;
      if (out) return evalCall(ev, ctx, e.call, f, (v) => unifyVal(ev, ctx, out, v, f, k));
      return evalCall(ev, ctx, e.call, f, (v) => (v === false ? false : k()));
    }
    case 'not': {
      let found = false;
      evalBody(ev, ctx, e.body, 0, f, () => {
        found = true;
        return true;
      });
      return found ? false : k();
    }
    case 'every':
      return evalTerm(ev, ctx, e.domain, f, (dom) => {
        if (!isCollection(dom)) return false;
        let all = true;
        forEachEntry(dom, (key, value) => {
          const ok = everyItem(ev, ctx, e, key, value, f);
          if (!ok) all = false;
          return !ok;
        });
        return all ? k() : false;
      });
    case 'logic': {
      const wantAll = e.op === 'and';
      for (const o of e.operands) {
        const ok = evalBody(ev, ctx, o.body, 0, f, () => true);
        if (ok !== wantAll) return wantAll ? false : k();
      }
      return wantAll ? k() : false;
    }
    case 'nop':
      return k();
  }
}

/** One `every` iteration: binds key/value and looks for one solution of the body. */
function everyItem(
  ev: Ev,
  ctx: Ctx,
  e: Extract<IRExpr, { k: 'every' }>,
  key: Value,
  value: Value,
  f: F,
): boolean {
  let ok = false;
  const found = () => {
    ok = true;
    return true;
  };
  if (e.key) {
    unifyVal(ev, ctx, e.key, key, f, () =>
      unifyVal(ev, ctx, e.value, value, f, () => evalBody(ev, ctx, e.body, 0, f, found)),
    );
  } else {
    unifyVal(ev, ctx, e.value, value, f, () => evalBody(ev, ctx, e.body, 0, f, found));
  }
  return ok;
}

/** Evaluates the `with` values (left to right), then the expression under the modified context. */
function evalWith(
  ev: Ev,
  ctx: Ctx,
  e: IRExpr,
  ws: readonly IRWith[],
  i: number,
  vals: (Value | undefined)[],
  f: F,
  k: K,
): boolean {
  if (i === ws.length) return evalStep(ev, withContext(ctx, ws, vals), e, f, k);
  const w = ws[i]!;
  const value = w.value;
  if (!value) return evalWith(ev, ctx, e, ws, i + 1, [...vals, undefined], f, k);
  return evalTerm(ev, ctx, value, f, (v) => evalWith(ev, ctx, e, ws, i + 1, [...vals, v], f, k));
}

function withContext(ctx: Ctx, ws: readonly IRWith[], vals: (Value | undefined)[]): Ctx {
  let input = ctx.input;
  let overlay = ctx.overlay;
  let mocks = ctx.mocks;
  ws.forEach((w, i) => {
    const v = vals[i];
    if (w.kind === 'input') {
      input = w.path.length === 0 ? v! : setPath(input, w.path, 0, v!);
    } else if (w.kind === 'data') {
      overlay = addOverlay(overlay, w.path, v!);
    } else {
      if (mocks === ctx.mocks) mocks = new Map(ctx.mocks ?? []);
      const m: Mock = w.fn ? { fn: w.fn } : { value: v! };
      mocks!.set(w.name, m);
    }
  });
  return { input, overlay, mocks, cache: new Map() };
}

/** A copy of `doc` with `value` at `path` (intermediate non-objects become objects). */
export function setPath(doc: Value | undefined, path: readonly Value[], i: number, value: Value): Value {
  if (i === path.length) return value;
  const obj = doc instanceof RObject ? doc.clone() : new RObject();
  obj.set(path[i]!, setPath(obj.get(path[i]!), path, i + 1, value));
  return obj;
}

function addOverlay(o: Overlay | undefined, path: readonly Value[], value: Value): Overlay {
  const root: Overlay = o ? copyNode(o) : { children: new Map() };
  let n = root;
  for (let i = 0; i < path.length; i++) {
    if (n.value !== undefined) {
      n.value = setPath(n.value, path, i, value);
      return root;
    }
    const key = keyOf(path[i]!);
    const c = n.children.get(key);
    const next: Overlay = c ? copyNode(c.node) : { children: new Map() };
    n.children.set(key, { key: path[i]!, node: next });
    n = next;
  }
  n.value = value;
  n.children.clear();
  return root;
}

const copyNode = (n: Overlay): Overlay => ({
  ...(n.value !== undefined ? { value: n.value } : {}),
  children: new Map(n.children),
});
