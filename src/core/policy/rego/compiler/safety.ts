/**
 * Safety analysis and body reordering (OPA's reorderBodyForSafety): every variable must be bound
 * by some expression before an expression that needs it runs. Expressions are scheduled greedily
 * in source order; what cannot be scheduled is reported as an unsafe variable.
 */
import type { Loc } from '../ast.js';
import { RegoError } from '../errors.js';
import { keyOf } from '../value.js';
import type { IRExpr, IRTerm } from './ir.js';

type Slots = Set<number>;

/** Every slot referenced anywhere inside an IR node (closures included). */
export function slotsOf(node: unknown, out: Slots = new Set()): Slots {
  walk(node, out);
  return out;
}

function walk(n: unknown, out: Slots): void {
  if (n === null || typeof n !== 'object') return;
  if (Array.isArray(n)) {
    for (const x of n) walk(x, out);
    return;
  }
  const o = n as Record<string, unknown>;
  if (o.k === 'const') return;
  if (o.k === 'var') {
    out.add(o.slot as number);
    return;
  }
  if (o.k === 'call') {
    walk(o.args, out);
    walk(o.out, out);
    walk(o.call, out);
    walk(o.with, out);
    return;
  }
  if (typeof o.slot === 'number') out.add(o.slot);
  for (const key in o) {
    if (key === 'loc' || key === 'fn' || key === 'def' || key === 'node' || key === 'free') continue;
    walk(o[key], out);
  }
}

/**
 * Slots a term reads (`all`) and those it binds when evaluated (`outs`: variables in ref path
 * positions, which evaluation enumerates). Closures contribute their free slots as reads.
 */
export function termVars(t: IRTerm, all: Slots, outs: Slots): void {
  switch (t.k) {
    case 'const':
      return;
    case 'var':
      all.add(t.slot);
      return;
    case 'ref':
      if (t.root !== 'data' && t.root !== 'input') termVars(t.root, all, outs);
      for (const p of t.path) pathVars(p, all, outs);
      return;
    case 'array':
    case 'set':
      for (const x of t.items) termVars(x, all, outs);
      return;
    case 'object':
      for (const x of t.keys) termVars(x, all, outs);
      for (const x of t.values) termVars(x, all, outs);
      return;
    case 'call':
      for (const a of t.args) termVars(a, all, outs);
      return;
    case 'acomp':
    case 'scomp':
    case 'ocomp':
      for (const s of t.free) all.add(s);
      return;
    case 'template':
      for (const p of t.parts) if (typeof p !== 'string') for (const s of p.free) all.add(s);
      return;
  }
}

/** A ref path segment: variables in pattern positions are bound by enumeration. */
function pathVars(p: IRTerm, all: Slots, outs: Slots): void {
  if (p.k === 'var') {
    all.add(p.slot);
    outs.add(p.slot);
  } else if (p.k === 'array') {
    for (const x of p.items) pathVars(x, all, outs);
  } else if (p.k === 'object') {
    for (const x of p.keys) termVars(x, all, outs);
    for (const x of p.values) pathVars(x, all, outs);
  } else {
    termVars(p, all, outs);
  }
}

const isGen = (t: IRTerm) => t.k !== 'var' && t.k !== 'array' && t.k !== 'object';

/** All inputs of `t` (reads that are not ref-path outputs) are safe. */
function evaluable(t: IRTerm, safe: (s: number) => boolean): boolean {
  const all: Slots = new Set();
  const outs: Slots = new Set();
  termVars(t, all, outs);
  for (const s of all) if (!outs.has(s) && !safe(s)) return false;
  return true;
}

/** Vars bound by matching `t` as a pattern against a value (vars, array/object members, refs). */
function patternOuts(t: IRTerm, safe: (s: number) => boolean, out: Slots): void {
  switch (t.k) {
    case 'var':
      if (!safe(t.slot)) out.add(t.slot);
      return;
    case 'array':
      for (const x of t.items) patternOuts(x, safe, out);
      return;
    case 'object':
      for (const x of t.values) patternOuts(x, safe, out);
      return;
    default:
      if (evaluable(t, safe)) termVars(t, new Set(), out);
  }
}

/** Variables a unification binds, given the safe set (iterated to a fixpoint like OPA). */
export function unifyOuts(a: IRTerm, b: IRTerm, isSafe: (s: number) => boolean): Slots {
  const outs: Slots = new Set();
  const safe = orIn(isSafe, outs);
  for (let size = -1; size !== outs.size; ) {
    size = outs.size;
    visitUnify(a, b, safe, outs);
  }
  return outs;
}

/** `s` is safe or in `extra` (an anonymous closure: named ones cost a defineProperty under tsx). */
function orIn(isSafe: (s: number) => boolean, extra: Slots): (s: number) => boolean {
  return (s) => isSafe(s) || extra.has(s);
}

function visitUnify(x: IRTerm, y: IRTerm, safe: (s: number) => boolean, outs: Slots): void {
  if (x.k === 'var' && !safe(x.slot) && evaluable(y, safe)) outs.add(x.slot);
  if (y.k === 'var' && !safe(y.slot) && evaluable(x, safe)) outs.add(y.slot);
  if (x.k === 'array' && y.k === 'array' && x.items.length === y.items.length) {
    for (let i = 0; i < x.items.length; i++) visitUnify(x.items[i]!, y.items[i]!, safe, outs);
  } else if (x.k === 'object' && y.k === 'object') {
    x.keys.forEach((xk, i) => {
      const j = y.keys.findIndex(
        (yk) =>
          (xk.k === 'const' && yk.k === 'const' && keyOf(yk.v) === keyOf(xk.v)) ||
          (xk.k === 'var' && yk.k === 'var' && xk.slot === yk.slot),
      );
      if (j >= 0) visitUnify(x.values[i]!, y.values[j]!, safe, outs);
    });
  }
  if ((isGen(x) || (x.k === 'var' && safe(x.slot))) && evaluable(x, safe)) {
    termVars(x, new Set(), outs);
    patternOuts(y, safe, outs);
  }
  if ((isGen(y) || (y.k === 'var' && safe(y.slot))) && evaluable(y, safe)) {
    termVars(y, new Set(), outs);
    patternOuts(x, safe, outs);
  }
}

/** Reads and binds of one expression given what is already safe. */
function analyze(e: IRExpr, isSafe: (s: number) => boolean, shared: (s: number) => boolean) {
  const all: Slots = new Set();
  const outs: Slots = new Set();
  switch (e.k) {
    case 'unify': {
      termVars(e.a, all, new Set());
      termVars(e.b, all, new Set());
      for (const s of unifyOuts(e.a, e.b, isSafe)) outs.add(s);
      break;
    }
    case 'term':
      termVars(e.t, all, outs);
      break;
    case 'call': {
      const callOuts: Slots = new Set();
      for (const a of e.call.args) termVars(a, all, callOuts);
      if (e.call.fn.kind === 'print') {
        for (const s of callOuts) all.delete(s);
      } else {
        for (const s of callOuts) outs.add(s);
      }
      if (e.out) {
        termVars(e.out, all, outs);
        patternOuts(e.out, (s) => isSafe(s) || outs.has(s), outs);
      }
      break;
    }
    case 'not':
      if (e.free) for (const s of e.free) all.add(s);
      else for (const s of slotsOf(e.body)) if (shared(s)) all.add(s);
      break;
    case 'every':
      termVars(e.domain, all, new Set());
      for (const s of e.free) all.add(s);
      break;
    case 'logic':
      for (const o of e.operands) for (const s of o.free) all.add(s);
      break;
    case 'nop':
      break;
  }
  if (e.with) for (const w of e.with) if (w.value) termVars(w.value, all, new Set());
  const unsafe: number[] = [];
  for (const s of all) if (!isSafe(s) && !outs.has(s)) unsafe.push(s);
  return { outs, unsafe };
}

/** `t` evaluates to at most one value without binding anything, given the safe slots. */
function syncTerm(t: IRTerm, safe: (s: number) => boolean): boolean {
  switch (t.k) {
    case 'const':
      return true;
    case 'var':
      return safe(t.slot);
    case 'ref':
      return (
        (t.root === 'data' || t.root === 'input' || syncTerm(t.root, safe)) &&
        t.path.every((p) => syncTerm(p, safe))
      );
    case 'array':
    case 'set':
      return t.items.every((x) => syncTerm(x, safe));
    case 'object':
      return t.keys.every((x) => syncTerm(x, safe)) && t.values.every((x) => syncTerm(x, safe));
    case 'call':
      return !(t.fn.kind === 'builtin' && t.fn.def.relation) && t.args.every((x) => syncTerm(x, safe));
    case 'acomp':
    case 'scomp':
    case 'ocomp':
      return t.free.every(safe);
    case 'template':
      return t.parts.every((p) => typeof p === 'string' || p.free.every(safe));
  }
}

/** `t` can be matched against one value: variables, constants, arrays/objects of those. */
function patternTerm(t: IRTerm, safe: (s: number) => boolean): boolean {
  if (t.k === 'var' || t.k === 'const') return true;
  if (t.k === 'array') return t.items.every((x) => patternTerm(x, safe));
  if (t.k === 'object')
    return t.keys.every((x) => syncTerm(x, safe)) && t.values.every((x) => patternTerm(x, safe));
  return syncTerm(t, safe);
}

/** Marks whether `e` yields at most one solution (the evaluator then runs it inline). */
function markDet(e: IRExpr, safe: (s: number) => boolean): void {
  if (e.with) {
    e.det = false;
    return;
  }
  switch (e.k) {
    case 'term':
      e.det = syncTerm(e.t, safe);
      return;
    case 'call':
      e.det =
        !(e.call.fn.kind === 'builtin' && e.call.fn.def.relation) &&
        e.call.args.every((a) => syncTerm(a, safe)) &&
        (e.out === undefined || patternTerm(e.out, safe));
      return;
    case 'unify':
      e.det =
        (syncTerm(e.a, safe) && patternTerm(e.b, safe)) || (syncTerm(e.b, safe) && patternTerm(e.a, safe));
      return;
    case 'not':
      if (!e.free) for (const x of e.body) markDet(x, safe);
      e.det = true;
      return;
    default:
      e.det = true;
  }
}

export interface OrderOptions {
  /** Slots bound outside this body (closure inputs, function arguments). */
  readonly outer: (slot: number) => boolean;
  /** Head terms whose variables the body must bind. */
  readonly head: readonly IRTerm[];
  readonly names: readonly string[];
  readonly loc: Loc;
  readonly initial?: Iterable<number>;
}

/** Reorders `body` so each expression runs after the ones binding its inputs; throws on unsafe vars. */
export function reorderBody(body: IRExpr[], o: OrderOptions): IRExpr[] {
  const safe: Slots = new Set(o.initial ?? []);
  const isSafe = orIn(o.outer, safe);
  const uses = new Map<number, number>();
  for (const e of body) for (const s of slotsOf(e)) uses.set(s, (uses.get(s) ?? 0) + 1);
  const headSlots: Slots = new Set();
  for (const h of o.head) termVars(h, headSlots, new Set());
  for (const s of headSlots) uses.set(s, (uses.get(s) ?? 0) + 1);
  const remaining = body.slice();
  const out: IRExpr[] = [];
  while (remaining.length > 0) {
    let progressed = false;
    for (let i = 0; i < remaining.length; ) {
      const e = remaining[i]!;
      const { outs, unsafe } = analyze(e, isSafe, sharedFn(e, o, headSlots, uses));
      if (unsafe.length === 0) {
        markDet(e, isSafe);
        out.push(e);
        for (const s of outs) safe.add(s);
        remaining.splice(i, 1);
        progressed = true;
      } else {
        i++;
      }
    }
    if (!progressed) {
      const errs = remaining.map((e) => {
        const { unsafe } = analyze(e, isSafe, sharedFn(e, o, headSlots, uses));
        return unsafeError(o.names[unsafe[0]!] ?? '?', e.loc);
      });
      const first = errs[0]!;
      first.others.push(...errs.slice(1));
      throw first;
    }
  }
  for (const s of headSlots) if (!isSafe(s)) throw unsafeError(o.names[s] ?? '?', o.loc);
  return out;
}

/** For `not e`: whether a slot of e is also used outside it (then it must be bound first). */
function sharedFn(
  e: IRExpr,
  o: OrderOptions,
  headSlots: Slots,
  uses: Map<number, number>,
): (s: number) => boolean {
  if (e.k !== 'not') return o.outer;
  const own = slotsOf(e.body);
  return (s) => o.outer(s) || headSlots.has(s) || (uses.get(s) ?? 0) > (own.has(s) ? 1 : 0);
}

function unsafeError(name: string, loc: Loc): RegoError {
  const shown = name === '_' || name.startsWith('__') ? `${name} (a wildcard or generated variable)` : name;
  return new RegoError('rego_unsafe_var_error', `var ${shown} is unsafe`, loc);
}
