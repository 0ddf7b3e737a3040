/**
 * json.* builtins: marshal (with options), unmarshal, is_valid, filter and remove, following
 * OPA's topdown/encoding.go and topdown/json.go.
 */

import { RObject, RSet, toJSONText, typeName, type Value } from '../../value.js';
import { type BuiltinDef, builtinError, expectType, operandTypeError } from '../types.js';
import { goJSONValid, goMarshal, goUnmarshal } from './go-json.js';
import { goQuote, operandError, stringArg } from './util.js';

/** A JSON-pointer-ish path (`"a/b/~1c"`) or an array of segments, as json.filter/remove/patch take them. */
export function parseJSONPath(p: Value, pos = 2): Value[] {
  if (typeof p === 'string') {
    if (p === '') return [];
    return p
      .replace(/^\/+/, '')
      .split('/')
      .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'));
  }
  if (Array.isArray(p)) return [...p];
  throw operandError(
    pos,
    `must be one of {set, array} containing string paths or array of path segments but got ${typeName(p)}`,
  );
}

function jsonPaths(v: Value): Value[][] {
  if (Array.isArray(v)) return v.map((p) => parseJSONPath(p));
  if (v instanceof RSet) return v.sorted().map((p) => parseJSONPath(p));
  throw operandTypeError(2, 'one of {set, array}', v);
}

/** Nests paths into an object whose leaves are null; a shorter path swallows longer ones. */
function pathsToObject(paths: Value[][]): RObject {
  const root = new RObject();
  for (const path of paths) {
    if (path.length === 0) continue;
    let node = root;
    let done = false;
    for (let i = 0; i < path.length - 1 && !done; i++) {
      const child = node.get(path[i]!);
      if (child === undefined) {
        const obj = new RObject();
        node.set(path[i]!, obj);
        node = obj;
      } else if (child === null) done = true;
      else node = child as RObject;
    }
    if (!done) node.set(path[path.length - 1]!, null);
  }
  return root;
}

/** OPA's `filterObject`: keeps only what the filter tree names (array indexes as strings). */
export function filterValue(v: Value, filter: Value): Value {
  if (filter === null) return v;
  if (!(filter instanceof RObject))
    throw builtinError(`invalid filter value ${toJSONText(filter)}, expected an object`);
  if (Array.isArray(v)) {
    const out: Value[] = [];
    v.forEach((x, i) => {
      const sub = filter.get(String(i));
      if (sub !== undefined) out.push(filterValue(x, sub));
    });
    return out;
  }
  if (v instanceof RSet) {
    const out = new RSet();
    for (const x of v) {
      const sub = filter.get(x);
      if (sub !== undefined) out.add(filterValue(x, sub));
    }
    return out;
  }
  if (v instanceof RObject) {
    const out = new RObject();
    for (const [k, x] of v.entries()) {
      const sub = filter.get(k);
      if (sub !== undefined) out.set(k, filterValue(x, sub));
    }
    return out;
  }
  return v;
}

/** OPA's `jsonRemove`: drops every value whose path ends on a null leaf of `b`. */
function removeValue(a: Value, b: Value | undefined): Value | undefined {
  if (b === undefined) return a;
  if (b === null) return undefined;
  if (!(b instanceof RObject)) return a;
  if (Array.isArray(a)) {
    const out: Value[] = [];
    a.forEach((x, i) => {
      const r = removeValue(x, b.get(String(i)));
      if (r !== undefined) out.push(r);
    });
    return out;
  }
  if (a instanceof RSet) {
    const out = new RSet();
    for (const x of a) {
      const r = removeValue(x, b.get(x));
      if (r !== undefined) out.add(r);
    }
    return out;
  }
  if (a instanceof RObject) {
    const out = new RObject();
    for (const [k, x] of a.entries()) {
      const r = removeValue(x, b.get(k));
      if (r !== undefined) out.set(k, r);
    }
    return out;
  }
  return a;
}

function marshalWithOptions(v: Value, opts: Value): string {
  const o = expectType<RObject>(opts, 2, 'object');
  let indent = '\t';
  let prefix = '';
  let implicitPretty = false;
  let explicitPretty: boolean | undefined;
  o.sortedEntries().forEach(([k, val], idx) => {
    if (typeof k !== 'string') {
      const err = `operand ${idx} must be string but got ${typeName(k)}`;
      throw operandError(2, `failed to stringify key ${toJSONText(k)} at index ${idx}: ${err}`);
    }
    const castErr = () => `operand ${idx} must be string but got ${typeName(val)}`;
    if (k === 'prefix' || k === 'indent') {
      if (typeof val !== 'string')
        throw operandError(2, `key ${goQuote(k)} failed cast to string: ${castErr()}`);
      if (k === 'prefix') prefix = val;
      else indent = val;
      implicitPretty = true;
    } else if (k === 'pretty') {
      if (typeof val !== 'boolean') throw operandError(2, `key ${goQuote(k)} failed cast to bool`);
      explicitPretty = val;
    } else {
      throw operandError(2, `object contained unknown key ${goQuote(k)}`);
    }
  });
  if (!(explicitPretty ?? implicitPretty)) return goMarshal(v);
  return prefix + goMarshal(v, { prefix, indent });
}

export const jsonBuiltins: BuiltinDef[] = [
  { name: 'json.marshal', arity: 1, impl: ([v]) => goMarshal(v!) },
  { name: 'json.marshal_with_options', arity: 2, impl: ([v, opts]) => marshalWithOptions(v!, opts!) },
  { name: 'json.unmarshal', arity: 1, impl: ([s]) => goUnmarshal(stringArg(s!, 1)) },
  { name: 'json.is_valid', arity: 1, impl: ([s]) => typeof s === 'string' && goJSONValid(s) },
  {
    name: 'json.filter',
    arity: 2,
    impl: ([obj, paths]) => {
      const o = expectType<RObject>(obj!, 1, 'object');
      return filterValue(o, pathsToObject(jsonPaths(paths!)));
    },
  },
  {
    name: 'json.remove',
    arity: 2,
    impl: ([obj, paths]) => {
      const o = expectType<RObject>(obj!, 1, 'object');
      return removeValue(o, pathsToObject(jsonPaths(paths!)));
    },
  },
];
