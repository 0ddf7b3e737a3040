/**
 * Virtual documents: complete rules (one value, conflicts are errors), partial sets and objects
 * (built from every rule at or below the node, OPA's ref-head merge and conflict rules), and
 * functions. Values are memoized per context.
 */
import type { CRule, IRTerm, RNode } from '../compiler/ir.js';
import { RegoError } from '../errors.js';
import { equal, keyOf, RObject, RSet, type Value } from '../value.js';
import { evalBody } from './exprs.js';
import { type Ctx, conflict, type Ev, type F, UNDEF } from './state.js';
import { unifyVal } from './unify.js';

/** The document a rule node defines (undefined for functions and undefined rules). */
export function evalNodeValue(ev: Ev, ctx: Ctx, node: RNode): Value | undefined {
  if (node.kind === 'complete') return evalComplete(ev, ctx, node);
  if (node.kind === 'multi' || node.kind === 'object') return evalPartial(ev, ctx, node);
  return undefined;
}

function evalComplete(ev: Ev, ctx: Ctx, node: RNode): Value | undefined {
  if (node.memoCtx === ctx) return node.memoVal === UNDEF ? undefined : (node.memoVal as Value);
  let result: Value | undefined;
  for (const rule of node.rules) {
    const v = chainValue(ev, ctx, rule, undefined, 'complete rules must not produce multiple outputs');
    if (v === undefined) continue;
    if (result !== undefined && !equal(result, v)) {
      throw blame(conflict('complete rules must not produce multiple outputs', rule.loc), rule);
    }
    result = v;
  }
  if (result === undefined && node.defaultRule) result = chainValue(ev, ctx, node.defaultRule, undefined, '');
  node.memoCtx = ctx;
  node.memoVal = result === undefined ? UNDEF : result;
  return result;
}

/** Calls a user function; undefined when no definition (nor default) applies. */
export function evalFunc(ev: Ev, ctx: Ctx, node: RNode, args: Value[]): Value | undefined {
  const msg = 'functions must not produce multiple outputs for same inputs';
  let result: Value | undefined;
  for (const rule of node.rules) {
    const v = chainValue(ev, ctx, rule, args, msg);
    if (v === undefined) continue;
    if (result !== undefined && !equal(result, v)) throw conflict(msg, rule.loc);
    result = v;
  }
  if (result === undefined && node.defaultRule) result = chainValue(ev, ctx, node.defaultRule, args, msg);
  return result;
}

/** The value of a rule, else of the first `else` that yields one. */
function chainValue(
  ev: Ev,
  ctx: Ctx,
  rule: CRule,
  args: Value[] | undefined,
  msg: string,
): Value | undefined {
  for (let r: CRule | undefined = rule; r; r = r.elseRule) {
    const v = ruleValue(ev, ctx, r, args, msg);
    if (v !== undefined) return v;
  }
  return undefined;
}

function ruleValue(ev: Ev, ctx: Ctx, r: CRule, args: Value[] | undefined, msg: string): Value | undefined {
  const f: F = new Array(r.nslots);
  const acc: { out: Value | undefined } = { out: undefined };
  const k = collector(r, f, acc, msg);
  try {
    if (args && r.args) bindArgs(ev, ctx, r.args, args, 0, f, () => evalBody(ev, ctx, r.body, 0, f, k));
    else evalBody(ev, ctx, r.body, 0, f, k);
  } catch (e) {
    throw blame(e, r);
  }
  return acc.out;
}

/** Names the innermost rule on an evaluation error as it passes (the first rule to see it wins). */
function blame(e: unknown, r: CRule): unknown {
  if (e instanceof RegoError && e.rule === undefined)
    e.rule = { name: r.name, file: r.loc.file, row: r.loc.row };
  return e;
}

/** Continuation collecting a rule's value; stops early when the value is a constant. */
function collector(r: CRule, f: F, acc: { out: Value | undefined }, msg: string): () => boolean {
  const head = r.value;
  const constant = head === undefined || head.k === 'const';
  return () => {
    const v = head === undefined ? true : build(head, f);
    if (acc.out === undefined) acc.out = v;
    else if (!equal(acc.out, v)) throw conflict(msg, r.loc);
    return constant;
  };
}

function bindArgs(
  ev: Ev,
  ctx: Ctx,
  pats: IRTerm[],
  args: Value[],
  i: number,
  f: F,
  k: () => boolean,
): boolean {
  if (i === pats.length) return k();
  return unifyVal(ev, ctx, pats[i]!, args[i]!, f, () => bindArgs(ev, ctx, pats, args, i + 1, f, k));
}

/** Builds a head term whose variables the body has bound (heads are simple after compilation). */
export function build(t: IRTerm, f: F): Value {
  switch (t.k) {
    case 'const':
      return t.v;
    case 'var':
      return f[t.slot]!;
    case 'array':
      return t.items.map((x) => build(x, f));
    case 'set':
      return RSet.from(t.items.map((x) => build(x, f)));
    case 'object':
      return RObject.from(t.keys.map((key, i) => [build(key, f), build(t.values[i]!, f)]));
    default:
      throw new Error(`internal: head term ${t.k} was not simplified`);
  }
}

function evalPartial(ev: Ev, ctx: Ctx, node: RNode): Value {
  if (node.memoCtx === ctx) return node.memoVal as Value;
  const result = node.isSet ? new RSet() : new RObject();
  const visited = new Set<string>();
  for (const rule of node.allRules ?? node.rules) {
    runRule(ev, ctx, rule, node.prefixes?.get(rule) ?? [], result, visited, new Array(rule.nslots));
  }
  node.memoCtx = ctx;
  node.memoVal = result;
  return result;
}

/**
 * Adds every solution of `rule` (or of the first `else` that has one) to `result`. `f` is the
 * first rule's frame, possibly with a head variable already bound (key-bound lookups).
 */
export function runRule(
  ev: Ev,
  ctx: Ctx,
  rule: CRule,
  prefix: Value[],
  result: RObject | RSet,
  visited: Set<string>,
  f: F,
): void {
  for (let r: CRule | undefined = rule; r; r = r.elseRule) {
    const frame: F = r === rule ? f : new Array(r.nslots);
    let any = false;
    const rr = r;
    try {
      evalBody(ev, ctx, r.body, 0, frame, () => {
        any = true;
        reduce(rr, prefix, frame, result, visited);
        return false;
      });
    } catch (e) {
      throw blame(e, r);
    }
    if (any) return;
  }
}

const keyConflict = (r: CRule) => conflict('object keys must be unique', r.loc);

/** Adds one solution of `r` to the node's document (OPA's evalVirtualPartial.reduce). */
export function reduce(r: CRule, prefix: Value[], f: F, result: RObject | RSet, visited: Set<string>): void {
  if (result instanceof RSet) {
    result.add(build(r.key!, f));
    return;
  }
  const path = [...prefix, ...r.suffix.map((t) => build(t, f))];
  if (path.length === 0) throw keyConflict(r);
  let pk = '';
  for (let i = 0; i < path.length; i++) {
    if (visited.has(pk) && i > 0) throw keyConflict(r);
    pk += `${keyOf(path[i]!)}\u0001`;
  }
  visited.add(pk);
  let obj = result;
  for (let i = 0; i < path.length - 1; i++) {
    const next = obj.get(path[i]!);
    if (next === undefined) {
      const o = new RObject();
      obj.set(path[i]!, o);
      obj = o;
    } else if (next instanceof RObject) {
      obj = next;
    } else {
      throw keyConflict(r);
    }
  }
  const leafKey = path[path.length - 1]!;
  const cur = obj.get(leafKey);
  if (r.kind === 'multi') {
    let set = cur;
    if (set === undefined) {
      set = new RSet();
      obj.set(leafKey, set);
    } else if (!(set instanceof RSet)) {
      throw keyConflict(r);
    }
    set.add(build(r.key!, f));
    return;
  }
  const v = r.value ? build(r.value, f) : true;
  if (cur === undefined) obj.set(leafKey, v);
  else if (!equal(cur, v)) throw keyConflict(r);
}
