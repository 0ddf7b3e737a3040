/** `to_number`: null, booleans, numbers and numeric strings (Go's ParseFloat syntax) to numbers. */
import { isNumber, RDecimal, type RNumber } from '../../value.js';
import type { BuiltinDef } from '../types.js';
import { builtinError, operandTypeError } from '../types.js';
import { fromDecimal } from './numeric.js';

const DECIMAL = /^[+-]?(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:[eE]([+-]?\d+))?$/;
const HEX_FLOAT = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/;

/**
 * Parses a number the way OPA's to_number does; throws OPA's errors for what Go rejects. Go's
 * ParseFloat fails on overflow but not on underflow, and OPA then keeps the text, so `1e-400` is a
 * (non-zero) RDecimal rather than 0.
 */
export function parseNumberText(text: string): RNumber {
  const lower = text.replace(/^[+-]+/, '').toLowerCase();
  if (lower === 'inf' || lower === 'infinity' || lower === 'nan')
    throw operandTypeError(1, 'valid number string', text);
  const m = DECIMAL.exec(text);
  if (m) {
    const x = Number(text);
    if (!Number.isFinite(x))
      throw builtinError(`strconv.ParseFloat: parsing ${JSON.stringify(text)}: value out of range`);
    const tiny = x === 0 ? RDecimal.fromText(text) : undefined;
    if (tiny) {
      if (!tiny.inBounds) throw builtinError('number too big');
      return tiny;
    }
    const int = m[1] ?? '';
    const frac = m[2] ?? m[3] ?? '';
    const exp = m[4] === undefined ? 0 : Number(m[4]);
    const mant = BigInt(`${int}${frac}` || '0');
    return fromDecimal({ m: text.startsWith('-') ? -mant : mant, e: exp - frac.length });
  }
  const h = HEX_FLOAT.exec(text);
  if (h && (h[2] || h[3])) {
    const digits = `${h[2]}${h[3] ?? ''}`;
    const v = Number.parseInt(digits, 16) * 2 ** (Number(h[4]) - 4 * (h[3]?.length ?? 0));
    if (Number.isFinite(v)) return h[1] === '-' ? -v : v;
  }
  throw builtinError(`strconv.ParseFloat: parsing ${JSON.stringify(text)}: invalid syntax`);
}

export const castBuiltins: BuiltinDef[] = [
  {
    name: 'to_number',
    arity: 1,
    impl: ([a]) => {
      if (a === null) return 0;
      if (typeof a === 'boolean') return a ? 1 : 0;
      if (isNumber(a!)) return a;
      if (typeof a === 'string') return parseNumberText(a);
      throw operandTypeError(1, 'one of {null, boolean, number, string}', a!);
    },
  },
];
