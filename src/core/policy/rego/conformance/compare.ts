import { canonical, compare, fromJS, RDecimal, RObject, RSet, toJSONText, type Value } from '../value.js';

/**
 * OPA's runner turns results into JSON before comparing: sets become arrays in canonical order and
 * non-string object keys become their JSON text. Numbers keep their exact value.
 */
export function toResultJSON(v: Value): Value {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(toResultJSON);
  if (v instanceof RSet) return v.sorted().map(toResultJSON);
  if (v instanceof RDecimal) return v;
  const o = new RObject();
  for (const [k, x] of v.entries()) o.set(typeof k === 'string' ? k : toJSONText(k), toResultJSON(x));
  return o;
}

export interface CompareOptions {
  sortBindings?: boolean;
  ignoreGeneratedVars?: boolean;
}

/** One solution as a comparable key; `null` when `sort_bindings` finds a value that is not an array. */
function solutionKey(bindings: Iterable<[string, Value]>, opts: CompareOptions): string | null {
  const o = new RObject();
  for (const [name, raw] of bindings) {
    if (opts.ignoreGeneratedVars && name.startsWith('__localq')) continue;
    let v = toResultJSON(raw);
    if (opts.sortBindings) {
      if (!Array.isArray(v)) return null;
      v = [...v].sort(compare);
    }
    o.set(name, v);
  }
  return canonical(o);
}

/** Expected solutions (plain YAML data) as a set of keys. */
export function expectedKeys(want: Record<string, unknown>[], opts: CompareOptions): Set<string> {
  const keys = new Set<string>();
  for (const sol of want) {
    const entries = Object.entries(sol ?? {}).map(([k, x]): [string, Value] => [k, fromJS(x)]);
    // The runner does not sort expected arrays (the YAML is written sorted); sorting both sides
    // is equivalent and tolerates hand-written order.
    keys.add(solutionKey(entries, { sortBindings: opts.sortBindings }) ?? '<not an array>');
  }
  return keys;
}

/** Actual solutions as a set of keys; duplicates count once, as OPA compares sets. */
export function actualKeys(got: Iterable<Map<string, Value>>, opts: CompareOptions): Set<string> {
  const keys = new Set<string>();
  for (const sol of got) keys.add(solutionKey(sol, opts) ?? '<binding is not an array>');
  return keys;
}

/** Set equality of solution keys. */
export function sameSolutions(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const k of a) if (!b.has(k)) return false;
  return true;
}

/** A short human-readable rendering of a solution set, for failure messages. */
export function showSolutions(keys: ReadonlySet<string>, max = 400): string {
  const text = `[${[...keys].sort().join(', ')}]`;
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
