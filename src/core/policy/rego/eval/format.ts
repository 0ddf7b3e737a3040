/**
 * Rego's text form of values, as template strings and `print` show them: strings bare at the top
 * level, everything else like OPA's term printer (`[1, 2]`, `{"a": 1}`, `{1}`, `set()`).
 */
import { formatNumber, RDecimal, type RObject, RSet, type Value } from '../value.js';

/** A value as a template string interpolates it. */
export function formatTop(v: Value): string {
  return typeof v === 'string' ? v : formatValue(v);
}

/** A value in Rego term syntax (strings quoted). */
export function formatValue(v: Value): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
    case 'bigint':
      return formatNumber(v);
    case 'string':
      return JSON.stringify(v);
  }
  if (Array.isArray(v)) return `[${v.map(formatValue).join(', ')}]`;
  if (v instanceof RSet) return v.size === 0 ? 'set()' : `{${v.sorted().map(formatValue).join(', ')}}`;
  if (v instanceof RDecimal) return v.text;
  const o = v as RObject;
  return `{${o
    .sortedEntries()
    .map(([k, x]) => `${formatValue(k)}: ${formatValue(x)}`)
    .join(', ')}}`;
}
