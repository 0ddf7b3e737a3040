/**
 * object.* builtins with OPA's semantics: object.get (key or path array), keys, remove, filter,
 * union (deep merge, right wins), union_n (last wins, a non-object freezes a key), subset.
 */

import { equal, isObject, isSet, RObject, RSet, typeName, type Value } from '../../value.js';
import { type BuiltinDef, BuiltinError, expectType, operandTypeError } from '../types.js';
import { operandError } from './util.js';

/** OPA's `Value.Find`: walks objects by key, arrays by integer index and sets by member. */
export function findPath(v: Value, path: readonly Value[]): Value | undefined {
  let cur: Value = v;
  for (const key of path) {
    if (cur instanceof RObject) {
      const next = cur.get(key);
      if (next === undefined) return undefined;
      cur = next;
    } else if (Array.isArray(cur)) {
      if (typeof key !== 'number' && typeof key !== 'bigint') return undefined;
      const i = Number(key);
      if (!Number.isInteger(i) || i < 0 || i >= cur.length) return undefined;
      cur = cur[i]!;
    } else if (cur instanceof RSet) {
      if (!cur.has(key)) return undefined;
      cur = key;
    } else {
      return undefined;
    }
  }
  return cur;
}

/** The keys named by an array, set or object (`object.remove`/`object.filter` operand 2). */
function keysParam(v: Value): RSet {
  if (Array.isArray(v)) return RSet.from(v);
  if (v instanceof RSet) return v;
  if (v instanceof RObject) return RSet.from(v.keys());
  throw operandTypeError(2, 'one of {object, set, array}', v);
}

/** Deep merge where `b` wins, recursing only when both sides hold objects. */
export function mergeWithOverwrite(a: RObject, b: RObject): RObject {
  const out = new RObject();
  for (const [k, v] of a.entries()) {
    const v2 = b.get(k);
    if (v2 === undefined) out.set(k, v);
    else out.set(k, v instanceof RObject && v2 instanceof RObject ? mergeWithOverwrite(v, v2) : v2);
  }
  for (const [k, v] of b.entries()) if (!a.has(k)) out.set(k, v);
  return out;
}

function deepCopyObject(o: RObject): RObject {
  const out = new RObject();
  for (const [k, v] of o.entries()) out.set(k, v instanceof RObject ? deepCopyObject(v) : v);
  return out;
}

/** In-place merge for union_n, iterated back to front: earlier values only fill gaps. */
function mergeInPlace(target: RObject, other: RObject, frozen: Set<RObject>): void {
  for (const [k, v] of other.entries()) {
    const existing = target.get(k);
    if (existing === undefined) {
      target.set(k, v instanceof RObject ? deepCopyObject(v) : v);
    } else if (existing instanceof RObject && v instanceof RObject) {
      if (!frozen.has(existing)) mergeInPlace(existing, v, frozen);
    } else if (existing instanceof RObject) {
      // A later non-object overwrote this key; earlier objects must not merge back into it.
      frozen.add(existing);
    }
  }
}

function setSubset(sup: RSet, sub: RSet): boolean {
  for (const x of sub) if (!sup.has(x)) return false;
  return true;
}

/** Contiguous sub-sequence search, as OPA's arraySubset does it. */
function arraySubset(sup: Value[], sub: Value[]): boolean {
  if (sub.length > sup.length) return false;
  let supCursor = 0;
  let subCursor = 0;
  for (;;) {
    if (subCursor === sub.length) return true;
    if (supCursor + subCursor === sup.length) return false;
    if (equal(sup[supCursor + subCursor]!, sub[subCursor]!)) subCursor++;
    else {
      supCursor++;
      subCursor = 0;
    }
  }
}

/** OPA counts matches per array element (duplicates count twice) and never matches an empty array. */
function arraySetSubset(sup: Value[], sub: RSet): boolean {
  let unmatched = sub.size;
  for (const x of sup) {
    if (sub.has(x)) unmatched--;
    if (unmatched === 0) return true;
  }
  return false;
}

function objectSubset(sup: RObject, sub: RObject): boolean {
  for (const [k, subV] of sub.entries()) {
    const supV = sup.get(k);
    if (supV === undefined) return false;
    if (equal(subV, supV)) continue;
    if (isObject(supV) && isObject(subV)) {
      if (!objectSubset(supV, subV)) return false;
    } else if (isSet(supV) && isSet(subV)) {
      if (!setSubset(supV, subV)) return false;
    } else if (Array.isArray(supV) && Array.isArray(subV)) {
      if (!arraySubset(supV, subV)) return false;
    } else return false;
  }
  return true;
}

export const objectBuiltins: BuiltinDef[] = [
  {
    name: 'object.get',
    arity: 3,
    impl: ([obj, key, dflt]) => {
      const o = expectType<RObject>(obj!, 1, 'object');
      // A stored null is a value, not a miss: compare with undefined, never use `??`.
      const found = !Array.isArray(key) ? o.get(key!) : key.length === 0 ? o : findPath(o, key);
      return found === undefined ? dflt! : found;
    },
  },
  {
    name: 'object.keys',
    arity: 1,
    impl: ([obj]) => RSet.from(expectType<RObject>(obj!, 1, 'object').keys()),
  },
  {
    name: 'object.remove',
    arity: 2,
    impl: ([obj, keys]) => {
      const o = expectType<RObject>(obj!, 1, 'object');
      const remove = keysParam(keys!);
      const out = new RObject();
      for (const [k, v] of o.entries()) if (!remove.has(k)) out.set(k, v);
      return out;
    },
  },
  {
    name: 'object.filter',
    arity: 2,
    impl: ([obj, keys]) => {
      const o = expectType<RObject>(obj!, 1, 'object');
      const keep = keysParam(keys!);
      const out = new RObject();
      for (const [k, v] of o.entries()) if (keep.has(k)) out.set(k, v);
      return out;
    },
  },
  {
    name: 'object.union',
    arity: 2,
    impl: ([a, b]) => {
      const x = expectType<RObject>(a!, 1, 'object');
      const y = expectType<RObject>(b!, 2, 'object');
      return equal(x, y) ? x : mergeWithOverwrite(x, y);
    },
  },
  {
    name: 'object.union_n',
    arity: 1,
    impl: ([arr]) => {
      const list = expectType<Value[]>(arr!, 1, 'array');
      const result = new RObject();
      const frozen = new Set<RObject>();
      for (let i = list.length - 1; i >= 0; i--) {
        const o = list[i]!;
        if (!(o instanceof RObject)) {
          throw operandError(1, `must be array of objects but got array containing ${typeName(o)}`);
        }
        mergeInPlace(result, o, frozen);
      }
      return result;
    },
  },
  {
    name: 'object.subset',
    arity: 2,
    impl: ([sup, sub]) => {
      if (isObject(sup!) && isObject(sub!)) return objectSubset(sup, sub);
      if (isSet(sup!) && isSet(sub!)) return setSubset(sup, sub);
      if (Array.isArray(sup) && Array.isArray(sub)) return arraySubset(sup, sub);
      if (Array.isArray(sup) && isSet(sub!)) return arraySetSubset(sup, sub);
      throw new BuiltinError(
        'eval_type_error',
        'both arguments object.subset must be of the same type or array and set',
      );
    },
  },
];
