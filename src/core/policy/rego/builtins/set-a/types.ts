/** Type predicates (`is_string`, ...) and `type_name`. */
import { isNumber, RObject, RSet, typeName, type Value } from '../../value.js';
import type { BuiltinDef } from '../types.js';

function predicate(name: string, test: (v: Value) => boolean): BuiltinDef {
  return { name, arity: 1, impl: ([a]) => test(a!) };
}

export const typeBuiltins: BuiltinDef[] = [
  predicate('is_number', isNumber),
  predicate('is_string', (v) => typeof v === 'string'),
  predicate('is_boolean', (v) => typeof v === 'boolean'),
  predicate('is_array', (v) => Array.isArray(v)),
  predicate('is_set', (v) => v instanceof RSet),
  predicate('is_object', (v) => v instanceof RObject),
  predicate('is_null', (v) => v === null),
  { name: 'type_name', arity: 1, impl: ([a]) => typeName(a!) },
];
