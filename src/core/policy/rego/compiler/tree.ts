/**
 * The rule tree: rules are placed at the node of the static (constant) prefix of their head ref,
 * then each node's kind is decided (complete value, set, object, function) and rule conflicts that
 * OPA rejects at compile time are reported.
 */
import type { Loc, Rule, Term } from '../ast.js';
import { RegoError } from '../errors.js';
import { compare, keyOf, type Value } from '../value.js';
import type { CRule, RNode, RuleKind } from './ir.js';

/** An empty rule-tree node at `path`. */
export function newNode(key: Value, path: Value[]): RNode {
  return { key, path, children: new Map(), rules: [] };
}

function child(n: RNode, key: Value): RNode {
  const k = keyOf(key);
  let c = n.children.get(k);
  if (!c) {
    c = newNode(key, [...n.path, key]);
    n.children.set(k, c);
  }
  return c;
}

/** The node at `path`, created (with its ancestors) if missing: packages exist even when empty. */
export function ensureNode(root: RNode, path: readonly Value[]): RNode {
  let n = root;
  for (const k of path) n = child(n, k);
  return n;
}

/** `data.a.b["c-d"]` text of a data path, as OPA prints it. */
export const pathText = (path: readonly Value[]) =>
  `data${path.map((k) => (typeof k === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`)).join('')}`;

/** Constant value of a head ref segment, or undefined when it is dynamic. */
function constSeg(t: Term): Value | undefined {
  if (t.type === 'scalar') return t.value;
  return undefined;
}

/** Where a rule goes and what kind it is, from its head alone. */
export function placeRule(
  root: RNode,
  pkg: string[],
  rule: Rule,
): { node: RNode; kind: RuleKind; dynamic: Term[] } {
  const first = rule.ref[0]!;
  const name = first.type === 'var' ? first.name : '?';
  const staticPath: Value[] = [...pkg, name];
  let i = 1;
  for (; i < rule.ref.length; i++) {
    const v = constSeg(rule.ref[i]!);
    if (v === undefined) break;
    staticPath.push(v);
  }
  const dynamic = rule.ref.slice(i);
  let node = root;
  for (const k of staticPath) node = child(node, k);
  let kind: RuleKind;
  if (rule.args) {
    if (dynamic.length > 0)
      throw new RegoError('rego_parse_error', 'function names must be constant refs', rule.loc);
    kind = 'func';
  } else if (rule.kind === 'multi') {
    kind = 'multi';
  } else {
    kind = dynamic.length > 0 ? 'object' : 'complete';
  }
  return { node, kind, dynamic };
}

function conflict(msg: string, loc: Loc): RegoError {
  return new RegoError('rego_type_error', msg, loc);
}

/** Decides every node's kind and collects the rules of object nodes; returns conflicts found. */
export function finalizeTree(root: RNode): RegoError[] {
  const errors: RegoError[] = [];
  const visit = (n: RNode, underRules: boolean): void => {
    const rules = n.defaultRule ? [...n.rules, n.defaultRule] : n.rules;
    if (rules.length > 0) {
      const kinds = new Set(rules.map((r) => r.kind));
      const first = rules[0]!;
      const where = pathText(n.path);
      if (kinds.has('func') && kinds.size > 1) {
        errors.push(conflict(`conflicting rules ${where} found`, first.loc));
      } else if (kinds.has('func')) {
        n.kind = 'func';
        const arities = new Set(rules.map((r) => r.arity));
        if (arities.size > 1)
          errors.push(conflict(`conflicting rules ${where} found (different arities)`, first.loc));
      } else if (kinds.size === 1 && kinds.has('complete')) {
        n.kind = 'complete';
      } else if (kinds.has('complete')) {
        errors.push(conflict(`conflicting rules ${where} found`, first.loc));
      } else {
        const groundSet = rules.every((r) => r.kind === 'multi' && r.ground);
        n.kind = groundSet ? 'multi' : 'object';
        n.isSet = groundSet;
        if (n.defaultRule)
          errors.push(
            conflict(`default rule ${where} must be a complete rule or function`, n.defaultRule.loc),
          );
      }
      if (
        (n.kind === 'complete' || n.kind === 'func' || n.kind === 'multi') &&
        !underRules &&
        hasRuleBelow(n)
      ) {
        errors.push(conflict(`rule ${where} conflicts with rules defined below it`, first.loc));
      }
      if (n.kind === 'object') {
        n.allRules = [...n.rules, ...rulesBelow(n)];
        n.prefixes = new Map(n.allRules.map((r) => [r, r.node.path.slice(n.path.length)]));
      }
    }
    n.sorted = [...n.children.values()].sort((a, b) => compare(a.key, b.key));
    for (const c of n.children.values()) visit(c, underRules || n.kind === 'object');
  };
  visit(root, false);
  return errors;
}

function hasRuleBelow(n: RNode): boolean {
  for (const c of n.children.values())
    if (c.rules.length > 0 || c.defaultRule || hasRuleBelow(c)) return true;
  return false;
}

function rulesBelow(n: RNode): CRule[] {
  const out: CRule[] = [];
  for (const c of n.children.values()) {
    out.push(...c.rules);
    out.push(...rulesBelow(c));
  }
  return out;
}

/** The topmost nodes with rules in the subtree of `n` (n itself if it has rules). */
export function ruleNodesBelow(n: RNode, out: RNode[] = []): RNode[] {
  if (n.kind) {
    out.push(n);
    return out;
  }
  for (const c of n.children.values()) ruleNodesBelow(c, out);
  return out;
}
