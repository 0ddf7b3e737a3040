/**
 * Builtin set A: arithmetic and numbers, aggregates, bits, casts, types, strings, sprintf,
 * regex (RE2 semantics), glob, arrays and sets. The interpreter's registry imports `builtins`.
 */
import type { BuiltinDef } from '../types.js';
import { affixBuiltins } from './affix-match.js';
import { aggregateBuiltins } from './aggregates.js';
import { arithmeticBuiltins } from './arithmetic.js';
import { arrayBuiltins } from './arrays.js';
import { bitsBuiltins } from './bits.js';
import { castBuiltins } from './casts.js';
import { formatIntBuiltin } from './format-int.js';
import { globBuiltins } from './glob.js';
import { numbersRangeBuiltins } from './numbers-range.js';
import { regexBuiltins } from './regex.js';
import { setBuiltins } from './sets.js';
import { sprintfBuiltin } from './sprintf.js';
import { stringBuiltins } from './strings.js';
import { templateStringBuiltin } from './template-string.js';
import { trimBuiltins } from './trim.js';
import { typeBuiltins } from './types.js';

export const builtins: BuiltinDef[] = [
  ...arithmeticBuiltins,
  ...numbersRangeBuiltins,
  ...aggregateBuiltins,
  ...bitsBuiltins,
  ...castBuiltins,
  ...typeBuiltins,
  ...stringBuiltins,
  ...trimBuiltins,
  ...affixBuiltins,
  formatIntBuiltin,
  sprintfBuiltin,
  templateStringBuiltin,
  ...regexBuiltins,
  ...globBuiltins,
  ...arrayBuiltins,
  ...setBuiltins,
];
