/** semver.compare and semver.is_valid with OPA's internal/semver rules (leading "v" allowed). */
import { type BuiltinDef, builtinError } from '../types.js';
import { goQuote, stringArg } from './util.js';

interface Version {
  major: bigint;
  minor: bigint;
  patch: bigint;
  pre: string;
}

const IDENTIFIERS = /^[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*$/;
const INT64_MAX = (1n << 63n) - 1n;

function cut(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}

/** Go's strconv.ParseInt(s, 10, 64). */
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n > INT64_MAX || n < -INT64_MAX - 1n ? undefined : n;
}

/** Parses "1.2.3-rc.1+build"; undefined when invalid. */
export function parseSemver(version: string): Version | undefined {
  const [rest, meta] = cut(version.startsWith('v') ? version.slice(1) : version, '+');
  if (meta !== '' && !IDENTIFIERS.test(meta)) return undefined;
  const [core, pre] = cut(rest, '-');
  if (pre !== '' && !IDENTIFIERS.test(pre)) return undefined;
  const parts = core.split('.');
  if (parts.length !== 3) return undefined;
  const [major, minor, patch] = parts.map(parseInt64);
  if (major === undefined || minor === undefined || patch === undefined) return undefined;
  return { major, minor, patch, pre };
}

const isAllDecimals = (s: string) => /^\d+$/.test(s);
const cmp = <T>(a: T, b: T) => (a > b ? 1 : a < b ? -1 : 0);

/** SemVer precedence (§11): numeric identifiers below alphanumeric ones, more fields win ties. */
export function compareSemver(a: Version, b: Version): number {
  const c = cmp(a.major, b.major) || cmp(a.minor, b.minor) || cmp(a.patch, b.patch);
  if (c !== 0 || a.pre === b.pre) return c;
  if (a.pre === '') return 1;
  if (b.pre === '') return -1;
  const x = a.pre.split('.');
  const y = b.pre.split('.');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const p = x[i]!;
    const q = y[i]!;
    const pInt = isAllDecimals(p);
    const qInt = isAllDecimals(q);
    if (pInt && !qInt) return -1;
    if (!pInt && qInt) return 1;
    const r = pInt ? cmp(BigInt(p), BigInt(q)) : cmp(p, q);
    if (r !== 0) return r;
  }
  // Go would loop forever on "1.0.0-01" vs "1.0.0-1"; equal identifiers compare equal here.
  return cmp(x.length, y.length);
}

export const semverBuiltins: BuiltinDef[] = [
  {
    name: 'semver.compare',
    arity: 2,
    impl: ([a, b]) => {
      const sa = stringArg(a!, 1);
      const sb = stringArg(b!, 2);
      const va = parseSemver(sa);
      if (!va) throw builtinError(`operand 1: string ${goQuote(sa)} is not a valid SemVer`);
      const vb = parseSemver(sb);
      if (!vb) throw builtinError(`operand 2: string ${goQuote(sb)} is not a valid SemVer`);
      return compareSemver(va, vb);
    },
  },
  {
    name: 'semver.is_valid',
    arity: 1,
    impl: ([v]) => typeof v === 'string' && parseSemver(v) !== undefined,
  },
];
