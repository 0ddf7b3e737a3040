/**
 * Go's strconv.FormatFloat for float64 ('e', 'E', 'f', 'F', 'g', 'G', 'b', 'x', 'X'). JS's toFixed
 * and toExponential round exact ties away from zero; Go rounds the exact binary value half to
 * even, so digits are produced from the exact decimal expansion of the double here.
 */

/** Decimal digits d (no leading zeros) with value 0.d × 10^dp; no digits means zero. */
interface Digits {
  d: string;
  dp: number;
}

const view = new DataView(new ArrayBuffer(8));

/** Mantissa and binary exponent with |x| = mant × 2^exp exactly. */
function decompose(x: number): { mant: bigint; exp: number } {
  view.setFloat64(0, Math.abs(x));
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased !== 0) mant |= 1n << 52n;
  return { mant, exp: (biased === 0 ? 1 : biased) - 1075 };
}

function trimZeros(d: Digits): Digits {
  let end = d.d.length;
  while (end > 0 && d.d[end - 1] === '0') end--;
  return end === d.d.length ? d : { d: d.d.slice(0, end), dp: d.dp };
}

/** The exact decimal expansion of |x|. */
function exactDigits(x: number): Digits {
  if (x === 0) return { d: '', dp: 0 };
  const { mant, exp } = decompose(x);
  if (exp >= 0) {
    const s = (mant << BigInt(exp)).toString();
    return trimZeros({ d: s, dp: s.length });
  }
  const s = (mant * 5n ** BigInt(-exp)).toString();
  return trimZeros({ d: s, dp: s.length + exp });
}

/** The shortest digits that read back as x (JS and Go agree on these). */
function shortestDigits(x: number): Digits {
  if (x === 0) return { d: '', dp: 0 };
  const text = Math.abs(x).toExponential();
  const [m, e] = text.split('e') as [string, string];
  return trimZeros({ d: m.replace('.', ''), dp: Number(e) + 1 });
}

/** Rounds to `n` digits (n may be <= 0), half to even on exact ties. */
function roundDigits(digs: Digits, n: number): Digits {
  const { d } = digs;
  if (n >= d.length) return digs;
  if (n < 0) return { d: '', dp: digs.dp };
  const next = d.charCodeAt(n) - 48;
  const up =
    next > 5 || (next === 5 && (n + 1 < d.length || (n > 0 && (d.charCodeAt(n - 1) - 48) % 2 === 1)));
  if (!up) return trimZeros({ d: d.slice(0, n), dp: digs.dp });
  const chars = d.slice(0, n).split('');
  let i = n - 1;
  while (i >= 0 && chars[i] === '9') chars[i--] = '0';
  if (i < 0) return trimZeros({ d: `1${chars.join('')}`, dp: digs.dp + 1 });
  chars[i] = String.fromCharCode(chars[i]!.charCodeAt(0) + 1);
  return trimZeros({ d: chars.join(''), dp: digs.dp });
}

const digitAt = (d: Digits, i: number) => (i >= 0 && i < d.d.length ? d.d[i]! : '0');

function fmtE(neg: boolean, d: Digits, prec: number, e: string): string {
  let out = neg ? '-' : '';
  out += digitAt(d, 0);
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) out += digitAt(d, i);
  }
  const exp = d.d.length === 0 ? 0 : d.dp - 1;
  const abs = Math.abs(exp);
  return `${out}${e}${exp < 0 ? '-' : '+'}${abs < 10 ? `0${abs}` : abs}`;
}

function fmtF(neg: boolean, d: Digits, prec: number): string {
  let out = neg ? '-' : '';
  if (d.dp > 0) for (let i = 0; i < d.dp; i++) out += digitAt(d, i);
  else out += '0';
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) out += digitAt(d, d.dp + i - 1);
  }
  return out;
}

function fmtB(x: number): string {
  const { mant, exp } = decompose(x);
  return `${x < 0 || Object.is(x, -0) ? '-' : ''}${mant}p${exp >= 0 ? '+' : ''}${exp}`;
}

function fmtX(x: number, prec: number, upper: boolean): string {
  let { mant, exp } = decompose(x);
  let out: string;
  if (mant === 0n) {
    exp = 0;
    out = '0';
  } else {
    // Normalize to 1.xxx with 52 fraction bits (13 hex digits).
    while (mant < 1n << 52n) {
      mant <<= 1n;
      exp--;
    }
    exp += 52;
    let frac = (mant & ((1n << 52n) - 1n)).toString(16).padStart(13, '0');
    let lead = 1n;
    if (prec >= 0 && prec < 13) {
      const full = BigInt(`0x${frac}`);
      const shift = BigInt(4 * (13 - prec));
      let kept = full >> shift;
      const rest = full & ((1n << shift) - 1n);
      const half = 1n << (shift - 1n);
      if (rest > half || (rest === half && (kept & 1n) === 1n)) kept++;
      if (kept >> BigInt(4 * prec) === 1n && prec >= 0) {
        kept &= (1n << BigInt(4 * prec)) - 1n;
        lead = 2n;
      }
      frac = prec === 0 ? '' : kept.toString(16).padStart(prec, '0');
      if (lead === 2n) {
        lead = 1n;
        exp++;
      }
    } else {
      frac = frac.replace(/0+$/, '');
      if (prec > 13) frac = frac.padEnd(prec, '0');
    }
    out = `${lead}${frac ? `.${frac}` : ''}`;
  }
  const e = `p${exp >= 0 ? '+' : '-'}${String(Math.abs(exp)).padStart(2, '0')}`;
  const s = `${x < 0 || Object.is(x, -0) ? '-' : ''}0x${out}${e}`;
  return upper ? s.toUpperCase() : s;
}

/** strconv.FormatFloat(x, verb, prec, 64); prec -1 asks for the shortest representation. */
export function formatFloat(x: number, verb: string, prec: number): string {
  // Go prints the sign of -0 (an underflowing negative such as -1e-400 parses to it).
  const neg = x < 0 || Object.is(x, -0);
  switch (verb) {
    case 'b':
      return fmtB(x);
    case 'x':
    case 'X':
      return fmtX(x, prec, verb === 'X');
  }
  const shortest = prec < 0;
  let d: Digits;
  if (shortest) {
    d = shortestDigits(x);
    prec =
      verb === 'e' || verb === 'E'
        ? Math.max(d.d.length - 1, 0)
        : verb === 'f' || verb === 'F'
          ? Math.max(d.d.length - d.dp, 0)
          : d.d.length;
  } else if (verb === 'f' || verb === 'F') {
    d = roundDigits(exactDigits(x), exactDigits(x).dp + prec);
  } else {
    if ((verb === 'g' || verb === 'G') && prec === 0) prec = 1;
    d = roundDigits(exactDigits(x), verb === 'e' || verb === 'E' ? prec + 1 : prec);
  }
  switch (verb) {
    case 'e':
    case 'E':
      return fmtE(neg, d, prec, verb);
    case 'f':
    case 'F':
      return fmtF(neg, d, prec);
  }
  // 'g' / 'G'
  let eprec = prec;
  if (eprec > d.d.length && d.d.length >= d.dp) eprec = d.d.length;
  if (shortest) eprec = 6;
  const exp = d.dp - 1;
  if (d.d.length !== 0 && (exp < -4 || exp >= eprec)) {
    return fmtE(neg, d, Math.min(prec, d.d.length) - 1, verb === 'g' ? 'e' : 'E');
  }
  return fmtF(neg, d, Math.max((prec > d.dp ? d.d.length : prec) - d.dp, 0));
}
