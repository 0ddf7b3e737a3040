/**
 * Variable scoping. Every variable becomes a slot in its rule's (or query's) frame. A body, a
 * comprehension, an `every` body and a template expression each open a scope; a name used without
 * a declaration belongs to the outermost enclosing scope that mentions it directly, so closures see
 * the variables of the body around them, as in OPA.
 */
import type { Expr, Term } from '../ast.js';

/** One lexical scope: declared names and the names its expressions mention directly. */
export class Scope {
  readonly names = new Map<string, number>();
  /** Names declared with `some` or `:=` here (for "assigned above" errors). */
  readonly explicit = new Set<string>();

  constructor(
    readonly parent: Scope | undefined,
    /** Names that occur here outside nested closures, not counting declarations. */
    readonly direct: Set<string>,
    /** Names declared here (`:=`, `some`): closures before the declaration do not share them. */
    readonly declared: Set<string> = new Set(),
  ) {}

  lookup(name: string): number | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const slot = s.names.get(name);
      if (slot !== undefined) return slot;
    }
    return undefined;
  }

  /** The outermost scope of the chain that mentions `name` directly; this scope if none does. */
  home(name: string): Scope {
    let found: Scope = this;
    for (let s: Scope | undefined = this; s; s = s.parent) {
      if (s.direct.has(name) && !s.declared.has(name)) found = s;
    }
    return found;
  }

  /** Whether `inner` is this scope or nested inside it. */
  contains(inner: Scope): boolean {
    for (let s: Scope | undefined = inner; s; s = s.parent) if (s === this) return true;
    return false;
  }
}

/** Slot allocation for one frame (a rule or a query). */
export class Frame {
  readonly slotNames: string[] = [];
  readonly slotScopes: Scope[] = [];

  alloc(name: string, scope: Scope): number {
    const slot = this.slotNames.length;
    this.slotNames.push(name);
    this.slotScopes.push(scope);
    return slot;
  }

  get size(): number {
    return this.slotNames.length;
  }
}

/** Names occurring directly in terms/exprs (not inside nested closures, not as declarations). */
export function directNames(exprs: readonly Expr[], terms: readonly (Term | undefined)[] = []): Set<string> {
  const out = new Set<string>();
  for (const t of terms) if (t) termNames(t, out);
  for (const e of exprs) exprNames(e, out);
  return out;
}

/** Names declared directly in a body (`:=` left sides, `some`, `some … in` patterns). */
export function declaredNames(exprs: readonly Expr[]): Set<string> {
  const out = new Set<string>();
  for (const e of exprs) {
    if (e.type === 'unify' && e.assign) termNames(e.left, out);
    else if (e.type === 'some') for (const v of e.vars) out.add(v.name);
    else if (e.type === 'somein') {
      termNames(e.value, out);
      if (e.key) termNames(e.key, out);
    }
  }
  return out;
}

function exprNames(e: Expr, out: Set<string>): void {
  switch (e.type) {
    case 'term':
      termNames(e.term, out);
      break;
    case 'unify':
      if (!e.assign) termNames(e.left, out);
      termNames(e.right, out);
      break;
    case 'notbody':
    case 'logic':
      break;
    case 'somein':
      termNames(e.coll, out);
      break;
    case 'every':
      termNames(e.coll, out);
      break;
    case 'not':
      exprNames(e.expr, out);
      break;
    case 'some':
      break;
  }
  for (const w of e.with) termNames(w.value, out);
}

function termNames(t: Term, out: Set<string>): void {
  switch (t.type) {
    case 'var':
      if (t.name !== '_') out.add(t.name);
      return;
    case 'ref':
      termNames(t.head, out);
      for (const p of t.path) termNames(p, out);
      return;
    case 'array':
    case 'set':
      for (const x of t.items) termNames(x, out);
      return;
    case 'object':
      for (const [k, v] of t.items) {
        termNames(k, out);
        termNames(v, out);
      }
      return;
    case 'call':
      for (const a of t.args) termNames(a, out);
      return;
    default:
      return;
  }
}
