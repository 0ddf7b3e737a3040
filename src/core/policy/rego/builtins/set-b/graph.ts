/** graph.reachable and graph.reachable_paths (OPA topdown/reachable.go); edges are arrays or sets. */

import { type RObject, RSet, type Value } from '../../value.js';
import { type BuiltinDef, expectType, operandTypeError } from '../types.js';

/** Members of an array or set (sets in canonical order); anything else has none. */
function vertices(v: Value | undefined): Value[] {
  if (Array.isArray(v)) return v;
  if (v instanceof RSet) return v.sorted();
  return [];
}

function initial(v: Value): Value[] {
  if (!Array.isArray(v) && !(v instanceof RSet)) throw operandTypeError(2, '{array, set}', v);
  return vertices(v);
}

function reachable(graph: RObject, start: Value[]): RSet {
  const reached = new RSet();
  const queue = [...start];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    const edges = graph.get(node);
    if (edges === undefined) continue;
    for (const n of vertices(edges)) if (!reached.has(n)) queue.push(n);
    reached.add(node);
  }
  return reached;
}

function pathBuilder(graph: RObject, root: Value, path: Value[], out: RSet, reached: RSet): void {
  const edges = graph.get(root);
  if (edges === undefined) {
    out.add(path);
    return;
  }
  const here = [...path, root];
  const next = vertices(edges);
  if (next.length === 0) {
    out.add(here);
    return;
  }
  const seen = reached.clone().add(root);
  for (const n of next) {
    if (seen.has(n)) out.add(here);
    else pathBuilder(graph, n, here, out, seen);
  }
}

function reachablePaths(graph: RObject, start: Value[]): RSet {
  const out = new RSet();
  for (const node of start) {
    const edges = graph.get(node);
    if (edges === undefined) continue;
    const next = vertices(edges);
    if (next.length === 0) out.add([node]);
    for (const n of next) pathBuilder(graph, n, [node], out, RSet.from([node]));
  }
  return out;
}

export const graphBuiltins: BuiltinDef[] = [
  {
    name: 'graph.reachable',
    arity: 2,
    impl: ([g, s]) => reachable(expectType<RObject>(g!, 1, 'object'), initial(s!)),
  },
  {
    name: 'graph.reachable_paths',
    arity: 2,
    impl: ([g, s]) => reachablePaths(expectType<RObject>(g!, 1, 'object'), initial(s!)),
  },
];
