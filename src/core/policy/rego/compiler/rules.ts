/**
 * Compiles one rule (and its `else` chain): resolves head and body in a fresh frame, moves
 * non-trivial head terms into the body (as OPA does), and orders the body for safety.
 */
import type { Rule, Term } from '../ast.js';
import type { CRule, IRExpr, IRTerm } from './ir.js';
import { type ModuleEnv, Resolver } from './resolve.js';
import { reorderBody } from './safety.js';
import { declaredNames, directNames, Frame, Scope } from './scope.js';

/** Terms the evaluator can build directly once the body has run (no refs, calls, closures). */
function simple(t: IRTerm): boolean {
  switch (t.k) {
    case 'const':
    case 'var':
      return true;
    case 'array':
    case 'set':
      return t.items.every(simple);
    case 'object':
      return t.keys.every(simple) && t.values.every(simple);
    default:
      return false;
  }
}

/** Argument patterns stay patterns; anything else is bound through a generated var. */
function patternLike(t: Term): boolean {
  switch (t.type) {
    case 'scalar':
    case 'var':
      return true;
    case 'array':
      return t.items.every(patternLike);
    case 'object':
      return t.items.every(([k, v]) => k.type === 'scalar' && patternLike(v));
    default:
      return false;
  }
}

/** Fills in `cr` (suffix, key, value, args, body) from the parsed rule `rule`. */
export function compileRule(rule: Rule, dynamic: Term[], env: ModuleEnv, cr: CRule): void {
  const frame = new Frame();
  const headTerms = [...dynamic, rule.key, rule.value, ...(rule.args ?? [])];
  const scope = new Scope(undefined, directNames(rule.body, headTerms), declaredNames(rule.body));
  const r = new Resolver(env, frame, scope);
  const extra: IRExpr[] = [];
  const bindVia = (t: IRTerm): IRTerm => {
    if (simple(t)) return t;
    const slot = frame.alloc('__head__', scope);
    const v: IRTerm = { k: 'var', slot, name: '__head__' };
    extra.push({ k: 'unify', a: v, b: t, loc: rule.loc });
    return v;
  };
  let args: IRTerm[] | undefined;
  const argSlots: number[] = [];
  if (rule.args) {
    args = rule.args.map((a) => {
      if (patternLike(a)) {
        const p = r.pattern(a);
        collectVars(p, argSlots);
        return p;
      }
      const slot = frame.alloc('__arg__', scope);
      argSlots.push(slot);
      const v: IRTerm = { k: 'var', slot, name: '__arg__' };
      extra.push({ k: 'unify', a: v, b: r.term(a), loc: a.loc });
      return v;
    });
  }
  const body = r.body(rule.body);
  const suffix = dynamic.map((t) => bindVia(r.term(t)));
  const key = rule.key ? bindVia(r.term(rule.key)) : undefined;
  const value = rule.value ? bindVia(r.term(rule.value)) : undefined;
  const head = [...suffix, ...(key ? [key] : []), ...(value ? [value] : [])];
  cr.body = reorderBody([...body, ...extra], {
    outer: () => false,
    head,
    names: frame.slotNames,
    loc: rule.loc,
    initial: argSlots,
  });
  cr.suffix = suffix;
  if (key) cr.key = key;
  if (value) cr.value = value;
  if (args) cr.args = args;
  cr.nslots = frame.size;
  if (rule.else && cr.elseRule) compileRule(rule.else, dynamic, env, cr.elseRule);
}

function collectVars(t: IRTerm, out: number[]): void {
  if (t.k === 'var') out.push(t.slot);
  else if (t.k === 'array') for (const x of t.items) collectVars(x, out);
  else if (t.k === 'object') for (const x of t.values) collectVars(x, out);
}
