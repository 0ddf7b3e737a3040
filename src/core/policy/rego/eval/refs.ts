/**
 * Reference evaluation. `input` and local values are walked directly; `data` walks the rule tree
 * and the base document side by side, switching to the rule's value at the first node with rules
 * (OPA's evalTree), and honouring `with data…` replacements. Ground path prefixes are walked in a
 * loop, so deep documents do not grow the stack.
 */
import type { IRTerm, RNode } from '../compiler/ir.js';
import { compare, isNumber, keyOf, RObject, type Value } from '../value.js';
import { forEachEntry, lookup, sortedKeys } from './collections.js';
import { setPath } from './exprs.js';
import { evalPartialAt } from './partial-key.js';
import { evalNodeValue } from './rules.js';
import type { Ctx, Ev, F, KV, Overlay } from './state.js';
import { evalTerm, groundNow } from './terms.js';
import { unifyVal } from './unify.js';

type RefIR = Extract<IRTerm, { k: 'ref' }>;

/** Evaluates a reference, enumerating its unbound variables; `k` gets each value. */
export function evalRef(ev: Ev, ctx: Ctx, t: RefIR, f: F, k: KV): boolean {
  const root = t.root;
  if (root === 'input') {
    const input = ctx.input;
    return input === undefined ? false : walkValue(ev, ctx, input, t.path, 0, f, k);
  }
  if (root === 'data') return walkData(ev, ctx, ev.root, ev.base, ctx.overlay, t.path, 0, f, k);
  return evalTerm(ev, ctx, root, f, (v) => walkValue(ev, ctx, v, t.path, 0, f, k));
}

/** Walks `path[i…]` into a plain value. */
export function walkValue(
  ev: Ev,
  ctx: Ctx,
  v: Value,
  path: readonly IRTerm[],
  i: number,
  f: F,
  k: KV,
): boolean {
  for (; i < path.length; i++) {
    const seg = path[i]!;
    let key: Value | undefined;
    if (seg.k === 'const') key = seg.v;
    else if (seg.k === 'var') key = f[seg.slot];
    if (key === undefined) {
      const next = i + 1;
      const cur = v;
      if (seg.k === 'var') {
        const slot = seg.slot;
        return forEachEntry(cur, (kk, child) => {
          ev.tick();
          f[slot] = kk;
          const r = walkValue(ev, ctx, child, path, next, f, k);
          f[slot] = undefined;
          return r;
        });
      }
      if (groundNow(seg, f)) {
        return evalTerm(ev, ctx, seg, f, (kk) => {
          const child = lookup(cur, kk);
          return child === undefined ? false : walkValue(ev, ctx, child, path, next, f, k);
        });
      }
      return forEachEntry(cur, (kk, child) =>
        unifyVal(ev, ctx, seg, kk, f, () => walkValue(ev, ctx, child, path, next, f, k)),
      );
    }
    const child = lookup(v, key);
    if (child === undefined) return false;
    v = child;
  }
  return k(v);
}

/** Walks `path[i…]` below a rule-tree node / base document / overlay position. */
function walkData(
  ev: Ev,
  ctx: Ctx,
  node: RNode | undefined,
  base: Value | undefined,
  ov: Overlay | undefined,
  path: readonly IRTerm[],
  i: number,
  f: F,
  k: KV,
): boolean {
  for (; i < path.length; i++) {
    const seg = path[i]!;
    let key: Value | undefined;
    if (seg.k === 'const') key = seg.v;
    else if (seg.k === 'var') key = f[seg.slot];
    if (key === undefined) return enumerateData(ev, ctx, node, base, ov, path, i, f, k);
    const ovc = ov?.children.get(keyOf(key))?.node;
    if (ovc?.value !== undefined) return walkValue(ev, ctx, ovc.value, path, i + 1, f, k);
    const child = node?.children.get(keyOf(key));
    if (child?.kind) {
      if (!ovc && (child.kind === 'object' || child.kind === 'multi') && i + 1 < path.length) {
        const nseg = path[i + 1]!;
        const nkey = nseg.k === 'const' ? nseg.v : nseg.k === 'var' ? f[nseg.slot] : undefined;
        const next = i + 2;
        if (nkey !== undefined) {
          const at = evalPartialAt(ev, ctx, child, nkey);
          return at === undefined ? false : walkValue(ev, ctx, at, path, next, f, k);
        }
        if (nseg.k !== 'var' && groundNow(nseg, f)) {
          return evalTerm(ev, ctx, nseg, f, (key) => {
            const at = evalPartialAt(ev, ctx, child, key);
            return at === undefined ? false : walkValue(ev, ctx, at, path, next, f, k);
          });
        }
      }
      let v = evalNodeValue(ev, ctx, child);
      if (ovc) v = applyOverlay(v, ovc);
      return v === undefined ? false : walkValue(ev, ctx, v, path, i + 1, f, k);
    }
    base = base === undefined ? undefined : baseLookup(base, key);
    node = child;
    ov = ovc;
    if (!node && !ov && base === undefined) return false;
  }
  const v = extent(ev, ctx, node, base, ov);
  return v === undefined ? false : k(v);
}

/** An unbound (or pattern) segment at a data position: try every key the position can have. */
function enumerateData(
  ev: Ev,
  ctx: Ctx,
  node: RNode | undefined,
  base: Value | undefined,
  ov: Overlay | undefined,
  path: readonly IRTerm[],
  i: number,
  f: F,
  k: KV,
): boolean {
  const seg = path[i]!;
  const rest = path.slice(i + 1);
  if (seg.k !== 'var' && groundNow(seg, f)) {
    return evalTerm(ev, ctx, seg, f, (key) =>
      walkData(ev, ctx, node, base, ov, [{ k: 'const', v: key }, ...rest], 0, f, k),
    );
  }
  const keys: Value[] = [];
  const seen = new Set<string>();
  if (base !== undefined) {
    forEachEntry(base, (key) => {
      addKey(keys, seen, key);
      return false;
    });
  }
  if (node) for (const c of sortedChildren(node)) addKey(keys, seen, c.key);
  if (ov) for (const c of ov.children.values()) addKey(keys, seen, c.key);
  for (const key of keys) {
    ev.tick();
    const next: IRTerm[] = [{ k: 'const', v: key }, ...rest];
    if (unifyVal(ev, ctx, seg, key, f, () => walkData(ev, ctx, node, base, ov, next, 0, f, k))) return true;
  }
  return false;
}

function addKey(keys: Value[], seen: Set<string>, key: Value): void {
  const s = keyOf(key);
  if (!seen.has(s)) {
    seen.add(s);
    keys.push(key);
  }
}

/** Base documents are JSON: OPA addresses their object keys by the text of a number key. */
function baseLookup(base: Value, key: Value): Value | undefined {
  const v = lookup(base, key);
  if (v !== undefined || !(base instanceof RObject) || !isNumber(key)) return v;
  return base.get(typeof key === 'object' ? key.text : String(key));
}

function sortedChildren(node: RNode): RNode[] {
  return node.sorted ?? [...node.children.values()].sort((a, b) => compare(a.key, b.key));
}

/** The whole document at a position: virtual documents merged into the base (base wins). */
function extent(
  ev: Ev,
  ctx: Ctx,
  node: RNode | undefined,
  base: Value | undefined,
  ov: Overlay | undefined,
): Value | undefined {
  if (ov?.value !== undefined) return ov.value;
  let v = base;
  if (node) {
    const virtual = leaves(ev, ctx, node, ov);
    v = base === undefined ? virtual : merge(base, virtual);
  }
  return ov ? applyOverlay(v, ov) : v;
}

function leaves(ev: Ev, ctx: Ctx, node: RNode, ov: Overlay | undefined): RObject {
  const out = new RObject();
  for (const c of sortedChildren(node)) {
    const ovc = ov?.children.get(keyOf(c.key))?.node;
    if (ovc?.value !== undefined) continue;
    let v: Value | undefined;
    if (c.kind) {
      v = evalNodeValue(ev, ctx, c);
      if (ovc) v = applyOverlay(v, ovc);
    } else {
      v = leaves(ev, ctx, c, ovc);
    }
    if (v !== undefined) out.set(c.key, v);
  }
  return out;
}

/** OPA's merge of base and virtual documents: objects merge recursively, otherwise `a` wins. */
function merge(a: Value, b: Value): Value {
  if (!(a instanceof RObject) || !(b instanceof RObject)) return a;
  const out = new RObject();
  for (const k of sortedKeys(a)) {
    const x = a.get(k)!;
    const y = b.get(k);
    out.set(k, y === undefined ? x : merge(x, y));
  }
  for (const [k, y] of b.entries()) if (!a.has(k)) out.set(k, y);
  return out;
}

/** Writes every `with data…` replacement below this position into `v`. */
function applyOverlay(v: Value | undefined, ov: Overlay): Value | undefined {
  if (ov.value !== undefined) return ov.value;
  let out = v;
  for (const { key, node } of ov.children.values()) {
    const cur = out instanceof RObject ? out.get(key) : undefined;
    const next = applyOverlay(cur, node);
    if (next !== undefined) out = setPath(out, [key], 0, next);
  }
  return out;
}
