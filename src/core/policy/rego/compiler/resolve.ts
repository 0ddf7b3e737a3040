/**
 * Name resolution: turns parsed terms and expressions into IR. Local names become frame slots,
 * package rules and imports become `data` refs, calls are bound to builtins or user functions.
 */
import type { Expr, Loc, Term } from '../ast.js';
import { RObject, RSet } from '../value.js';
import type { CallIR, FnTarget, IRExpr, IRTerm, IRWith, TemplatePart } from './ir.js';
import {
  allConst,
  compileError,
  constOf,
  findNode,
  fnArity,
  indexInto,
  NameResolver,
  opParts,
} from './names.js';
import { slotsOf } from './safety.js';

export type { ModuleEnv } from './names.js';
export { compileError, findNode, fnArity } from './names.js';

/** Turns one rule's (or query's) syntax into IR over a single frame. */
export class Resolver extends NameResolver {
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
      if (node?.kind !== 'func') throw compileError(`undefined function ${name}`, loc, 'rego_type_error');
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
      case 'logic':
        return {
          k: 'logic',
          op: e.op,
          operands: e.operands.map((body) =>
            this.closure(body, [], () => ({ body: this.order(this.body(body), [], loc) })),
          ),
          loc,
          ...this.withs(e),
        };
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
