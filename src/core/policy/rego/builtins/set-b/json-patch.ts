/**
 * json.patch (RFC 6902) over Rego values, with the semantics of OPA's EditTree: paths may walk
 * into sets (a member is its own key), array indexes may be numbers or decimal strings without
 * leading zeros ("-" appends), and any failing operation makes the whole call undefined.
 */

import { equal, isNumber, RObject, RSet, type Value } from '../../value.js';
import { type BuiltinDef, expectType } from '../types.js';
import { parseJSONPath } from './json.js';

class PatchError extends Error {}

const fail = (msg: string): never => {
  throw new PatchError(msg);
};

/** EditTree's `toIndex`: numbers must be integral, strings decimal without leading zeros. */
function toIndex(length: number, key: Value): number {
  if (isNumber(key)) {
    const n = Number(key);
    return Number.isInteger(n) ? n : fail('invalid number type for indexing');
  }
  if (typeof key === 'string') {
    if (key === '-') return length;
    if (!/^[+-]?\d+$/.test(key)) fail('invalid string for indexing');
    if (key !== '0' && key.startsWith('0')) fail('leading zeros are not allowed in JSON paths');
    return Number(key);
  }
  return fail('invalid type for indexing');
}

/** The value at `key` inside container `c`, or an error when absent. */
function child(c: Value, key: Value): Value {
  if (c instanceof RObject) {
    const v = c.get(key);
    return v === undefined ? fail('path does not exist in object') : v;
  }
  if (c instanceof RSet) return c.has(key) ? key : fail('path does not exist in set');
  if (Array.isArray(c)) {
    const i = toIndex(c.length, key);
    return i >= 0 && i < c.length ? c[i]! : fail('path does not exist in array');
  }
  return fail('expected composite type');
}

/** Replaces the child at `key` (which exists) with `value`, copying the container. */
function replaceChild(c: Value, key: Value, value: Value): Value {
  if (c instanceof RObject) return c.clone().set(key, value);
  if (c instanceof RSet) {
    const s = c.clone();
    s.delete(key);
    return s.add(value);
  }
  const a = [...(c as Value[])];
  a[toIndex(a.length, key)] = value;
  return a;
}

/** Applies `edit` to the container at `path` (which must exist), rebuilding the parents. */
function editAt(doc: Value, path: Value[], edit: (container: Value) => Value): Value {
  if (path.length === 0) return edit(doc);
  const key = path[0]!;
  const next = editAt(child(doc, key), path.slice(1), edit);
  return replaceChild(doc, key, next);
}

function insertAt(doc: Value, path: Value[], value: Value): Value {
  if (path.length === 0) return value;
  const key = path[path.length - 1]!;
  return editAt(doc, path.slice(0, -1), (c) => {
    if (c instanceof RObject) return c.clone().set(key, value);
    if (c instanceof RSet) {
      if (!equal(key, value)) fail('set key does not equal value to be inserted');
      return c.clone().add(value);
    }
    if (Array.isArray(c)) {
      const i = toIndex(c.length, key);
      if (i < 0 || i > c.length) fail('index for array insertion out of bounds');
      return [...c.slice(0, i), value, ...c.slice(i)];
    }
    return fail('expected composite type');
  });
}

function deleteAt(doc: Value, path: Value[]): Value | undefined {
  if (path.length === 0) return undefined;
  const key = path[path.length - 1]!;
  return editAt(doc, path.slice(0, -1), (c) => {
    if (c instanceof RObject) {
      if (!c.has(key)) fail('cannot delete child key that does not exist');
      const o = c.clone();
      o.delete(key);
      return o;
    }
    if (c instanceof RSet) {
      if (!c.has(key)) fail('cannot delete child key that does not exist');
      const s = c.clone();
      s.delete(key);
      return s;
    }
    if (Array.isArray(c)) {
      const i = toIndex(c.length, key);
      if (i < 0 || i > c.length - 1) fail('index for array delete out of bounds');
      return [...c.slice(0, i), ...c.slice(i + 1)];
    }
    return fail('expected composite type');
  });
}

function getAt(doc: Value, path: Value[]): Value {
  let cur = doc;
  for (const key of path) cur = child(cur, key);
  return cur;
}

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

function attribute(op: RObject, name: string): Value {
  const v = op.get(name);
  return v === undefined ? fail(`missing '${name}' attribute`) : v;
}

function applyPatch(doc: Value | undefined, patch: Value): Value | undefined {
  if (!(patch instanceof RObject)) return fail('not an object');
  const op = attribute(patch, 'op');
  if (typeof op !== 'string' || !OPS.has(op)) return fail('unrecognized op');
  const path = parseJSONPath(attribute(patch, 'path'));
  const from = op === 'move' || op === 'copy' ? parseJSONPath(attribute(patch, 'from')) : [];
  const value = op === 'add' || op === 'replace' || op === 'test' ? attribute(patch, 'value') : null;
  if (doc === undefined) return fail('deleted node encountered');
  switch (op) {
    case 'add':
      return insertAt(doc, path, value);
    case 'remove':
      return deleteAt(doc, path);
    case 'replace': {
      const removed = deleteAt(doc, path);
      return removed === undefined ? value : insertAt(removed, path, value);
    }
    case 'move': {
      const chunk = getAt(doc, from);
      const removed = deleteAt(doc, from);
      if (removed === undefined) return path.length === 0 ? chunk : fail('deleted node encountered');
      return insertAt(removed, path, chunk);
    }
    case 'copy':
      return insertAt(doc, path, getAt(doc, from));
    default:
      return equal(getAt(doc, path), value) ? doc : fail('test failed');
  }
}

export const jsonPatchBuiltins: BuiltinDef[] = [
  {
    name: 'json.patch',
    arity: 2,
    impl: ([target, ops]) => {
      const list = expectType<Value[]>(ops!, 2, 'array');
      let doc: Value | undefined = target!;
      try {
        for (const op of list) doc = applyPatch(doc, op);
      } catch (e) {
        // OPA swallows every patch failure: the call is simply undefined.
        if (e instanceof PatchError || (e instanceof Error && e.name === 'BuiltinError')) return undefined;
        throw e;
      }
      return doc;
    },
  },
];
