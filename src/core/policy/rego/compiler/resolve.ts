/**
 * Name resolution: turns parsed terms and expressions into IR. Local names become frame slots,
 * package rules and imports become `data` refs, calls are bound to builtins or user functions.
 */
import type { Expr, Loc, Term } from '../ast.js';
import type { BuiltinDef } from '../builtins/types.js';
import { RegoError } from '../errors.js';
import { keyOf, RObject, RSet, type Value } from '../value.js';
import type { CallIR, FnTarget, IRExpr, IRTerm, IRWith, RNode, TemplatePart } from './ir.js';
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

const CONST_TRUE: IRTerm = { k: 'const', v: true };

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

export function fnArity(node: RNode): number {
  const r = node.rules[0] ?? node.defaultRule;
  return r?.arity ?? 0;
}

export class Resolver {
  scope: Scope;

  constructor(
    readonly env: ModuleEnv,
    readonly frame: Frame,
    root: Scope,
  ) {
    this.scope = root;
  }

  // ---- names -------------------------------------------------------------------------------

  private declare(name: string, loc: Loc, explicit: boolean): number {
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
  private globalRef(name: string): { root: 'data' | 'input'; path: Value[] } | undefined {
    if (name === 'input') return { root: 'input', path: [] };
    if (name === 'data') return { root: 'data', path: [] };
    const imp = this.env.imports.get(name);
    if (imp) return imp;
    if (this.env.globals.has(name)) return { root: 'data', path: [...this.env.pkg, name] };
    return undefined;
  }

  private resolveName(name: string, loc: Loc): IRTerm {
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

  // ---- terms -------------------------------------------------------------------------------

  term(t: Term): IRTerm {
    switch (t.type) {
      case 'scalar':
        return { k: 'const', v: t.value };
      case 'var':
        return this.resolveName(t.name, t.loc);
      case 'ref':
        return this.ref(t.head, t.path, t.loc);
      case 'array': {
        const items = t.items.map((x) => this.term(x));
        return allConst(items) ? { k: 'const', v: items.map(constOf) } : { k: 'array', items };
      }
      case 'set': {
        const items = t.items.map((x) => this.term(x));
        return allConst(items) ? { k: 'const', v: RSet.from(items.map(constOf)) } : { k: 'set', items };
      }
      case 'object': {
        const keys = t.items.map(([k]) => this.term(k));
        const values = t.items.map(([, v]) => this.term(v));
        if (allConst(keys) && allConst(values)) {
          return { k: 'const', v: RObject.from(keys.map((k, i) => [constOf(k), constOf(values[i]!)])) };
        }
        return { k: 'object', keys, values };
      }
      case 'call':
        return this.call(t.op, t.args, t.loc, t.infix, false);
      case 'arraycomp':
      case 'setcomp':
        return this.closure(t.body, [t.head], () => {
          const body = this.body(t.body);
          const head = this.term(t.head);
          return {
            k: t.type === 'arraycomp' ? 'acomp' : 'scomp',
            head,
            body: this.order(body, [head], t.loc),
          };
        });
      case 'objcomp':
        return this.closure(t.body, [t.key, t.value], () => {
          const body = this.body(t.body);
          const key = this.term(t.key);
          const value = this.term(t.value);
          return { k: 'ocomp', key, value, body: this.order(body, [key, value], t.loc) };
        });
      case 'template':
        return {
          k: 'template',
          parts: t.parts.map((p) => (typeof p === 'string' ? p : this.templatePart(p))),
        };
    }
  }

  private templatePart(e: Expr): TemplatePart {
    if (e.type !== 'term') throw compileError('template expressions must be terms', e.loc);
    return this.closure([e], [], () => {
      const slot = this.frame.alloc('__template__', this.scope);
      const expr: IRExpr = {
        k: 'unify',
        a: { k: 'var', slot, name: '__template__' },
        b: this.term(e.term),
        loc: e.loc,
        ...this.withs(e),
      };
      return { slot, body: this.order([expr], [], e.loc) };
    });
  }

  /** Builds IR in a nested scope and records the closure's free (outer) slots. */
  private closure<T extends object>(body: Expr[], terms: Term[], build: () => T): T & { free: number[] } {
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
  private order(body: IRExpr[], head: IRTerm[], loc: Loc, initial: number[] = []): IRExpr[] {
    const scope = this.scope;
    const outer = (slot: number) => !scope.contains(this.frame.slotScopes[slot]!);
    return reorderBody(body, { outer, head, names: this.frame.slotNames, loc, initial });
  }

  private ref(head: Term, path: Term[], loc: Loc): IRTerm {
    const segs = path.map((p) => this.term(p));
    if (head.type === 'var' && head.name !== '_') {
      const slot = this.scope.lookup(head.name);
      if (slot === undefined) {
        const g = this.globalRef(head.name);
        if (g)
          return {
            k: 'ref',
            root: g.root,
            path: [...g.path.map((v) => ({ k: 'const' as const, v })), ...segs],
            loc,
          };
      }
    }
    const root = this.term(head);
    if (root.k === 'ref') return { k: 'ref', root: root.root, path: [...root.path, ...segs], loc };
    return { k: 'ref', root, path: segs, loc };
  }

  /** The dotted name of a call operator (`count`, `data.pkg.f`, `alias.f`), resolved. */
  fnTarget(op: Term, loc: Loc, infix?: string): FnTarget {
    const parts = opParts(op);
    if (!parts) throw compileError('invalid function reference', loc);
    const [first, ...rest] = parts;
    if (infix === undefined && first !== 'data' && this.scope.lookup(first!) !== undefined) {
      throw compileError(`var ${first} is not a function`, loc, 'rego_type_error');
    }
    const g = infix === undefined ? this.globalRef(first!) : undefined;
    if (g && first !== 'input') {
      const path = [...g.path, ...rest];
      const node = g.root === 'data' ? findNode(this.env.tree, path) : undefined;
      const name = `data.${path.join('.')}`;
      if (!node || node.kind !== 'func')
        throw compileError(`undefined function ${name}`, loc, 'rego_type_error');
      return { kind: 'user', name, node };
    }
    const name = parts.join('.');
    if (name === 'print') return { kind: 'print', name: 'print' };
    const def = this.env.builtins.get(name);
    if (!def) throw compileError(`undefined function ${name}`, loc, 'rego_type_error');
    return { kind: 'builtin', name, def };
  }

  /** A call; `statement` allows one extra (output) argument. */
  call(op: Term, args: Term[], loc: Loc, infix: string | undefined, statement: boolean): CallIR {
    const fn = this.fnTarget(op, loc, infix);
    const arity = fn.kind === 'builtin' ? fn.def.arity : fn.kind === 'user' ? fnArity(fn.node) : -1;
    if (arity >= 0 && args.length !== arity && !(statement && args.length === arity + 1)) {
      const what = fn.kind === 'user' ? fn.name : fn.name;
      throw compileError(
        `function ${what} has arity ${arity}, got ${args.length} argument${args.length === 1 ? '' : 's'}`,
        loc,
        'rego_type_error',
      );
    }
    return { k: 'call', fn, args: args.map((a) => this.term(a)), loc };
  }

  /** A pattern whose variables are declared here (`:=` left side, `some … in`, every). */
  pattern(t: Term, allowTerms = false): IRTerm {
    switch (t.type) {
      case 'var':
        return { k: 'var', slot: this.declare(t.name, t.loc, t.name !== '_'), name: t.name };
      case 'array': {
        const items = t.items.map((x) => this.pattern(x, allowTerms));
        return allConst(items) ? { k: 'const', v: items.map(constOf) } : { k: 'array', items };
      }
      case 'object': {
        const keys = t.items.map(([k]) => this.term(k));
        const values = t.items.map(([, v]) => this.pattern(v, allowTerms));
        return { k: 'object', keys, values };
      }
      case 'scalar':
        return { k: 'const', v: t.value };
      default:
        if (allowTerms) return this.term(t);
        throw compileError(
          'cannot assign to a ref, call or comprehension (left side of := must be variables)',
          t.loc,
        );
    }
  }

  // ---- expressions -------------------------------------------------------------------------

  body(exprs: Expr[]): IRExpr[] {
    return exprs.map((e) => this.expr(e));
  }

  expr(e: Expr): IRExpr {
    const loc = e.loc;
    switch (e.type) {
      case 'term': {
        const t = e.term;
        if (t.type === 'call') {
          const call = this.call(t.op, t.args, t.loc, t.infix, true);
          const arity =
            call.fn.kind === 'builtin'
              ? call.fn.def.arity
              : call.fn.kind === 'user'
                ? fnArity(call.fn.node)
                : -1;
          if (arity >= 0 && call.args.length === arity + 1) {
            const out = call.args[arity]!;
            return {
              k: 'call',
              call: { ...call, args: call.args.slice(0, arity) },
              out,
              loc,
              ...this.withs(e),
            };
          }
          return { k: 'call', call, loc, ...this.withs(e) };
        }
        return { k: 'term', t: this.term(t), loc, ...this.withs(e) };
      }
      case 'unify': {
        if (!e.assign)
          return { k: 'unify', a: this.term(e.left), b: this.term(e.right), loc, ...this.withs(e) };
        const b = this.term(e.right);
        const a = this.pattern(e.left);
        return { k: 'unify', a, b, loc, ...this.withs(e) };
      }
      case 'some':
        for (const v of e.vars) this.declare(v.name, v.loc, v.name !== '_');
        return { k: 'nop', loc };
      case 'somein': {
        const coll = this.term(e.coll);
        const key = e.key ? this.pattern(e.key, true) : this.pattern({ type: 'var', name: '_', loc });
        const value = this.pattern(e.value, true);
        return { k: 'unify', a: value, b: indexInto(coll, key, loc), loc, ...this.withs(e) };
      }
      case 'every': {
        const domain = this.term(e.coll);
        return this.closure(e.body, [], () => {
          const key = e.key ? this.pattern(e.key) : undefined;
          const value = this.pattern(e.value);
          const bound = [...slotsOf([key, value])];
          const body = this.order(this.body(e.body), [], loc, bound);
          return { k: 'every', ...(key ? { key } : {}), value, domain, body, loc, ...this.withs(e) };
        });
      }
      case 'not':
        return { k: 'not', body: [this.expr(e.expr)], loc, ...this.withs(e) };
      case 'notbody':
        return this.closure(e.body, [], () => ({
          k: 'not' as const,
          body: this.order(this.body(e.body), [], loc),
          loc,
          ...this.withs(e),
        }));
    }
  }

  private withs(e: Expr): { with?: IRWith[] } {
    if (e.with.length === 0) return {};
    return { with: e.with.map((w) => this.with(w.target, w.value, w.loc)) };
  }

  private with(target: Term, value: Term, loc: Loc): IRWith {
    const parts = opParts(target);
    if (!parts)
      throw compileError('with keyword target must reference existing input, data, or a function', loc);
    const [first, ...rest] = parts;
    const g = this.scope.lookup(first!) === undefined ? this.globalRef(first!) : undefined;
    if (g?.root === 'input') {
      return { kind: 'input', path: [...g.path, ...rest], value: this.term(value) };
    }
    if (g?.root === 'data') {
      const path = [...g.path, ...rest];
      const node = findNode(this.env.tree, path);
      if (node?.kind === 'func') return this.mock(`data.${path.join('.')}`, value);
      return { kind: 'data', path, value: this.term(value) };
    }
    const name = parts.join('.');
    if (!this.env.builtins.has(name)) {
      throw compileError(
        `with keyword target must reference existing input, data, or a function (${name})`,
        loc,
      );
    }
    return this.mock(name, value);
  }

  private mock(name: string, value: Term): IRWith {
    const parts = opParts(value);
    if (parts) {
      const [first] = parts;
      const local = this.scope.lookup(first!) !== undefined;
      const g = local ? undefined : this.globalRef(first!);
      if (g?.root === 'data') {
        const path = [...g.path, ...parts.slice(1)];
        const node = findNode(this.env.tree, path);
        if (node?.kind === 'func')
          return { kind: 'mock', name, fn: { kind: 'user', name: `data.${path.join('.')}`, node } };
      } else if (!local && !g) {
        const def = this.env.builtins.get(parts.join('.'));
        if (def) return { kind: 'mock', name, fn: { kind: 'builtin', name: def.name, def } };
      }
    }
    return { kind: 'mock', name, value: this.term(value) };
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

export const allConst = (ts: IRTerm[]) => ts.every((t) => t.k === 'const');
export const constOf = (t: IRTerm): Value => (t as { v: Value }).v;
export { CONST_TRUE };
