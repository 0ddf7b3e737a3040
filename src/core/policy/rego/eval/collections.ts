/**
 * Collection access in OPA's order: objects iterate by sorted key and sets by sorted member, so
 * array comprehensions and every other order-dependent result match OPA.
 */
import { compare, isNumber, keyOf, RObject, RSet, type Value } from '../value.js';

const sortedKeyCache = new WeakMap<RObject, { size: number; keys: Value[] }>();
const sortedSetCache = new WeakMap<RSet, { size: number; items: Value[] }>();

/** Object keys in OPA order (cached per object; objects are not mutated once built). */
export function sortedKeys(o: RObject): Value[] {
  if (o.size <= 1) return [...o.keys()];
  const c = sortedKeyCache.get(o);
  if (c && c.size === o.size) return c.keys;
  const keys = [...o.keys()];
  keys.sort(compare);
  sortedKeyCache.set(o, { size: o.size, keys });
  return keys;
}

/** Set members in OPA order (cached per set). */
export function sortedMembers(s: RSet): Value[] {
  if (s.size <= 1) return [...s.values()];
  const c = sortedSetCache.get(s);
  if (c && c.size === s.size) return c.items;
  const items = s.sorted();
  sortedSetCache.set(s, { size: s.size, items });
  return items;
}

/** `v[key]` for arrays (integer index), objects and sets (membership); undefined otherwise. */
export function lookup(v: Value, key: Value): Value | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  if (Array.isArray(v)) {
    if (!isNumber(key)) return undefined;
    const i = Number(key);
    return Number.isInteger(i) && i >= 0 && i < v.length ? v[i] : undefined;
  }
  if (v instanceof RObject) {
    const e = v.map.get(keyOf(key));
    return e === undefined ? undefined : e[1];
  }
  return v instanceof RSet && v.has(key) ? key : undefined;
}

/** Calls `cb(key, value)` for each entry in OPA order; stops when it returns true. */
export function forEachEntry(v: Value, cb: (key: Value, value: Value) => boolean): boolean {
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (cb(i, v[i]!)) return true;
    return false;
  }
  if (v instanceof RObject) {
    for (const k of sortedKeys(v)) if (cb(k, v.map.get(keyOf(k))![1])) return true;
    return false;
  }
  if (v instanceof RSet) for (const m of sortedMembers(v)) if (cb(m, m)) return true;
  return false;
}

/** Arrays, objects and sets. */
export const isCollection = (v: Value): boolean =>
  Array.isArray(v) || v instanceof RObject || v instanceof RSet;
