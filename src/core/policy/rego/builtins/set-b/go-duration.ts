/** Go's `time.ParseDuration` ("1h30m", "-1.5s", "100ms"), exact to the nanosecond, Go's errors. */
import { timeQuote } from './go-time-parse.js';

const UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5 micro sign
  μs: 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const LIMIT = 1n << 63n;

/** Parses a Go duration into nanoseconds; throws an Error with Go's message. */
export function goParseDuration(orig: string): bigint {
  const invalid = () => new Error(`time: invalid duration ${timeQuote(orig)}`);
  let s = orig;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw invalid();
  let d = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || (s[0]! >= '0' && s[0]! <= '9'))) throw invalid();
    const intPart = /^\d*/.exec(s)![0];
    s = s.slice(intPart.length);
    let v = intPart === '' ? 0n : BigInt(intPart);
    if (v > LIMIT) throw invalid(); // Go's leadingInt overflows here
    let frac = '';
    let post = false;
    if (s[0] === '.') {
      frac = /^\d*/.exec(s.slice(1))![0];
      s = s.slice(1 + frac.length);
      post = frac.length > 0;
    }
    if (intPart === '' && !post) throw invalid();
    const unitText = /^[^.0-9]*/.exec(s)![0];
    if (unitText === '') throw new Error(`time: missing unit in duration ${timeQuote(orig)}`);
    s = s.slice(unitText.length);
    const unit = UNITS[unitText];
    if (unit === undefined)
      throw new Error(`time: unknown unit ${timeQuote(unitText)} in duration ${timeQuote(orig)}`);
    if (v > LIMIT / unit) throw invalid();
    v *= unit;
    const f = fraction(frac);
    if (f.x > 0n) {
      // Go computes this part in float64: uint64(float64(f) * (float64(unit) / scale)).
      v += BigInt(Math.trunc(Number(f.x) * (Number(unit) / f.scale)));
      if (v > LIMIT) throw invalid();
    }
    d += v;
    if (d > LIMIT) throw invalid();
  }
  if (neg) return -d;
  if (d > LIMIT - 1n) throw invalid();
  return d;
}

/** Go's `leadingFraction`: digits after the point until they would overflow. */
function fraction(digits: string): { x: bigint; scale: number } {
  let x = 0n;
  let scale = 1;
  for (const c of digits) {
    if (x > (LIMIT - 1n) / 10n) break;
    const y = x * 10n + BigInt(c.charCodeAt(0) - 48);
    if (y > LIMIT) break;
    x = y;
    scale *= 10;
  }
  return { x, scale };
}
