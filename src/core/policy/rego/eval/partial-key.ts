/**
 * Key-bound lookups into partial sets and objects (`data.p.roles[input.user]`): as in OPA, only
 * the rules that can produce that key run, with the head variable bound up front, instead of
 * building the whole document. Conflicts are then only detected for that key, like OPA.
 */
import type { RNode } from '../compiler/ir.js';
import { equal, keyOf, RObject, type Value } from '../value.js';
import { lookup } from './collections.js';
import { evalBody } from './exprs.js';
import { build, runRule } from './rules.js';
import { type Ctx, type Ev, type F, type Memo, UNDEF } from './state.js';

/** `node[key]` for an object or set node; undefined when the node has no such key. */
export function evalPartialAt(ev: Ev, ctx: Ctx, node: RNode, key: Value): Value | undefined {
  if (node.memoCtx === ctx) return lookup(node.memoVal as Value, key);
  let memo = ctx.cache.get(node) as unknown as Map<string, Memo> | undefined;
  if (!memo) {
    memo = new Map();
    ctx.cache.set(node, memo as unknown as Memo);
  }
  const mk = keyOf(key);
  const hit = memo.get(mk);
  if (hit !== undefined) return hit === UNDEF ? undefined : hit;
  const v = node.isSet ? setMember(ev, ctx, node, key) : objectAt(ev, ctx, node, key);
  memo.set(mk, v === undefined ? UNDEF : v);
  return v;
}

function setMember(ev: Ev, ctx: Ctx, node: RNode, key: Value): Value | undefined {
  for (const r of node.rules) {
    const f: F = new Array(r.nslots);
    const kt = r.key!;
    let found = false;
    if (kt.k === 'var') {
      f[kt.slot] = key;
      evalBody(ev, ctx, r.body, 0, f, () => {
        found = true;
        return true;
      });
    } else {
      evalBody(ev, ctx, r.body, 0, f, () => {
        found = equal(build(kt, f), key);
        return found;
      });
    }
    if (found) return key;
  }
  return undefined;
}

function objectAt(ev: Ev, ctx: Ctx, node: RNode, key: Value): Value | undefined {
  const result = new RObject();
  const visited = new Set<string>();
  for (const rule of node.allRules ?? node.rules) {
    const prefix = node.prefixes?.get(rule) ?? [];
    const f: F = new Array(rule.nslots);
    if (prefix.length > 0) {
      if (!equal(prefix[0]!, key)) continue;
    } else {
      const first = rule.suffix[0];
      if (first?.k === 'const' && !equal(first.v, key)) continue;
      if (first?.k === 'var') f[first.slot] = key;
    }
    runRule(ev, ctx, rule, prefix, result, visited, f);
  }
  return result.get(key);
}
