/**
 * `internal.template_string(parts)`: what the compiler lowers `$"...{expr}..."` to. Literal parts
 * are strings; each `{expr}` arrives as the set of its values (empty when undefined, printed
 * `<undefined>`). Strings print raw, everything else as Rego text, like OPA's print.
 */
import { RDecimal, RSet, type Value } from '../../value.js';
import { type BuiltinDef, builtinError, expectType } from '../types.js';
import { regoText } from './rego-text.js';

const show = (v: Value): string => (typeof v === 'string' ? v : regoText(v));

export const templateStringBuiltin: BuiltinDef = {
  name: 'internal.template_string',
  arity: 1,
  impl: ([a]) => {
    let out = '';
    for (const part of expectType<Value[]>(a!, 1, 'array')) {
      if (part === null || typeof part !== 'object' || part instanceof RDecimal) {
        out += show(part);
        continue;
      }
      if (!(part instanceof RSet))
        throw builtinError(`illegal argument type: ${Array.isArray(part) ? 'array' : 'object'}`);
      if (part.size === 0) out += '<undefined>';
      else if (part.size === 1) out += show(part.values().next().value!);
      // OPA raises this as a conflict; the compiler's checks make it unreachable from Rego source.
      else throw builtinError('template-strings must not produce multiple outputs');
    }
    return out;
  },
};
