/**
 * Recursion detection: Rego forbids a rule depending on itself, directly or through other rules,
 * functions or references to an enclosing document (OPA's rego_recursion_error).
 */
import { RegoError } from '../errors.js';
import { keyOf } from '../value.js';
import type { CRule, IRTerm, RNode } from './ir.js';
import { pathText, ruleNodesBelow } from './tree.js';

/** The rule nodes a data ref may evaluate (a dynamic segment matches every child). */
function refDeps(n: RNode, path: IRTerm[], i: number, out: Set<RNode>): void {
  if (n.kind) {
    out.add(n);
    return;
  }
  if (i === path.length) {
    for (const d of ruleNodesBelow(n)) out.add(d);
    return;
  }
  const seg = path[i]!;
  if (seg.k === 'const') {
    const c = n.children.get(keyOf(seg.v));
    if (c) refDeps(c, path, i + 1, out);
    return;
  }
  for (const c of n.children.values()) refDeps(c, path, i + 1, out);
}

function collect(x: unknown, root: RNode, out: Set<RNode>): void {
  if (x === null || typeof x !== 'object') return;
  if (Array.isArray(x)) {
    for (const y of x) collect(y, root, out);
    return;
  }
  const o = x as Record<string, unknown>;
  if (o.k === 'const') return;
  if (o.k === 'ref' && o.root === 'data') refDeps(root, o.path as IRTerm[], 0, out);
  if ((o.kind === 'user' || o.kind === 'mock') && o.node) out.add(o.node as RNode);
  for (const key in o) {
    if (key === 'loc' || key === 'def' || key === 'node' || key === 'free' || key === 'elseRule') continue;
    collect(o[key], root, out);
  }
}

function ruleDeps(r: CRule, root: RNode, out: Set<RNode>): void {
  for (let x: CRule | undefined = r; x; x = x.elseRule) {
    collect(x.body, root, out);
    collect([x.suffix, x.key, x.value, x.args], root, out);
  }
}

/** Throws rego_recursion_error (with the cycle) if any rule depends on itself. */
export function checkRecursion(root: RNode): void {
  const nodes: RNode[] = [];
  const all = (n: RNode) => {
    if (n.kind) nodes.push(n);
    for (const c of n.children.values()) all(c);
  };
  all(root);
  const deps = new Map<RNode, Set<RNode>>();
  for (const n of nodes) {
    const out = new Set<RNode>();
    const rules = n.allRules ?? n.rules;
    for (const r of rules) ruleDeps(r, root, out);
    if (n.defaultRule) ruleDeps(n.defaultRule, root, out);
    deps.set(n, out);
  }
  const state = new Map<RNode, 1 | 2>();
  const stack: RNode[] = [];
  const errors: RegoError[] = [];
  const visit = (n: RNode): void => {
    state.set(n, 1);
    stack.push(n);
    for (const d of deps.get(n) ?? []) {
      const s = state.get(d);
      if (s === 1) {
        const cycle = [...stack.slice(stack.indexOf(d)), d].map((x) => pathText(x.path));
        const r = d.rules[0] ?? d.defaultRule;
        errors.push(
          new RegoError(
            'rego_recursion_error',
            `rule ${cycle[0]} is recursive: ${cycle.join(' -> ')}`,
            r?.loc,
          ),
        );
      } else if (s === undefined) {
        visit(d);
      }
    }
    stack.pop();
    state.set(n, 2);
  };
  for (const n of nodes) if (!state.has(n)) visit(n);
  if (errors.length > 0) {
    const first = errors[0]!;
    first.others.push(...errors.slice(1));
    throw first;
  }
}
