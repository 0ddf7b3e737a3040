/**
 * Names and scopes for the resolver: local declarations, globals (package rules, imports, input,
 * data), closures with their free slots, and shared helpers of the compiler.
 */
import type { Expr, Loc, Term } from '../ast.js';
import type { BuiltinDef } from '../builtins/types.js';
import { RegoError } from '../errors.js';
import { keyOf, type Value } from '../value.js';
import type { IRExpr, IRTerm, RNode } from './ir.js';
import { reorderBody, slotsOf } from './safety.js';
import { declaredNames, directNames, type Frame, Scope } from './scope.js';

export interface ModuleEnv {
  readonly file: string;
  readonly pkg: string[];
  /** Import alias → the ref it stands for. */
  readonly imports: Map<string, { root: 'data' | 'input'; path: Value[] }>;
  /** First head segments of the rules of this package (across modules). */
  readonly globals: Set<string>;
  readonly builtins: Map<string, BuiltinDef>;
  readonly tree: RNode;
}

/** A compile-time RegoError at `loc` (rego_compile_error unless another code is given). */
export const compileError = (detail: string, loc: Loc, code: RegoError['code'] = 'rego_compile_error') =>
  new RegoError(code, detail, loc);

/** Walks the rule tree along constant keys. */
export function findNode(root: RNode, path: readonly Value[]): RNode | undefined {
  let n: RNode | undefined = root;
  for (const k of path) {
    n = n.children.get(keyOf(k));
    if (!n) return undefined;
  }
  return n;
}

/** Number of arguments of the function defined at `node`. */
export function fnArity(node: RNode): number {
  const r = node.rules[0] ?? node.defaultRule;
  return r?.arity ?? 0;
}

/** Resolves names within one frame; `Resolver` builds terms and expressions on top. */
export class NameResolver {
  scope: Scope;

  constructor(
    readonly env: ModuleEnv,
    readonly frame: Frame,
    root: Scope,
  ) {
    this.scope = root;
  }

  // ---- names -------------------------------------------------------------------------------

  protected declare(name: string, loc: Loc, explicit: boolean): number {
    if (explicit) {
      if (name === 'input' || name === 'data') {
        throw compileError(`variables must not shadow ${name} (use a different variable name)`, loc);
      }
      if (this.scope.explicit.has(name)) throw compileError(`var ${name} assigned above`, loc);
      if (this.scope.names.has(name)) throw compileError(`var ${name} referenced above`, loc);
    }
    const slot = this.frame.alloc(name, this.scope);
    if (name !== '_') this.scope.names.set(name, slot);
    if (explicit) this.scope.explicit.add(name);
    return slot;
  }

  /** A global name's ref (rule of this package, import, input, data), or undefined if local. */
  protected globalRef(name: string): { root: 'data' | 'input'; path: Value[] } | undefined {
    if (name === 'input') return { root: 'input', path: [] };
    if (name === 'data') return { root: 'data', path: [] };
    const imp = this.env.imports.get(name);
    if (imp) return imp;
    if (this.env.globals.has(name)) return { root: 'data', path: [...this.env.pkg, name] };
    return undefined;
  }

  protected resolveName(name: string, loc: Loc): IRTerm {
    if (name === '_') return { k: 'var', slot: this.declare('_', loc, false), name };
    const slot = this.scope.lookup(name);
    if (slot !== undefined) return { k: 'var', slot, name };
    const g = this.globalRef(name);
    if (g) return { k: 'ref', root: g.root, path: g.path.map((v) => ({ k: 'const', v })), loc };
    const home = this.scope.home(name);
    const saved = this.scope;
    this.scope = home;
    const s = this.declare(name, loc, false);
    this.scope = saved;
    return { k: 'var', slot: s, name };
  }

  /** Builds IR in a nested scope and records the closure's free (outer) slots. */
  protected closure<T extends object>(body: Expr[], terms: Term[], build: () => T): T & { free: number[] } {
    const saved = this.scope;
    const inner = new Scope(saved, directNames(body, terms), declaredNames(body));
    this.scope = inner;
    try {
      const ir = build();
      const free = [...slotsOf(ir)].filter((s) => !inner.contains(this.frame.slotScopes[s]!));
      return { ...ir, free };
    } finally {
      this.scope = saved;
    }
  }

  /** Reorders a closure body; slots declared outside the current scope count as bound. */
  protected order(body: IRExpr[], head: IRTerm[], loc: Loc, initial: number[] = []): IRExpr[] {
    const scope = this.scope;
    const outer = (slot: number) => !scope.contains(this.frame.slotScopes[slot]!);
    return reorderBody(body, { outer, head, names: this.frame.slotNames, loc, initial });
  }
}

/** `coll[key]` as a ref term (extending coll's path when it is a ref). */
export function indexInto(coll: IRTerm, key: IRTerm, loc: Loc): IRTerm {
  if (coll.k === 'ref') return { k: 'ref', root: coll.root, path: [...coll.path, key], loc };
  return { k: 'ref', root: coll, path: [key], loc };
}

/** Dotted segments of a var/ref made of names only, else undefined. */
export function opParts(t: Term): string[] | undefined {
  if (t.type === 'var') return [t.name];
  if (t.type !== 'ref' || t.head.type !== 'var') return undefined;
  const out = [t.head.name];
  for (const p of t.path) {
    if (p.type !== 'scalar' || typeof p.value !== 'string') return undefined;
    out.push(p.value);
  }
  return out;
}

/** All terms are constants (so a composite can be folded into one value). */
export const allConst = (ts: IRTerm[]) => ts.every((t) => t.k === 'const');
/** The value of a constant term. */
export const constOf = (t: IRTerm): Value => (t as { v: Value }).v;
