/**
 * net.cidr_* builtins (OPA topdown/cidr.go) on top of the Go-compatible IP model in go-net.ts.
 */

import { RObject, RSet, type Value } from '../../value.js';
import { type BuiltinDef, builtinError } from '../types.js';
import {
  bigIntToIP,
  type IP,
  type IPNet,
  ipString,
  ipToBigInt,
  maskIP,
  maskSize,
  netContains,
  parseCIDR,
  parseIP,
} from './go-net.js';
import { cidrMergeBuiltin } from './net-cidr-merge.js';
import { stringArg } from './util.js';

/** Expanding more addresses than this is refused rather than exhausting memory. */
const MAX_EXPAND = 1 << 20;

/** A CIDR operand; OPA reports every operand's type error as "operand 1". */
export function netOperand(v: Value): IPNet {
  const s = stringArg(v, 1);
  const parsed = parseCIDR(s);
  if (!parsed) throw builtinError(`invalid CIDR address: ${s}`);
  return parsed.net;
}

function lastIP(n: IPNet): IP {
  const [ones, bits] = maskSize(n.mask);
  if (ones === bits) return n.ip;
  const host = (1n << BigInt(bits - ones)) - 1n;
  return bigIntToIP(ipToBigInt(n.ip) | host, bits / 8);
}

function cidrContains(a: Value, b: Value): boolean {
  const netA = netOperand(a);
  const bStr = stringArg(b, 1);
  const ip = parseIP(bStr);
  if (ip) return netContains(netA, ip);
  const parsed = parseCIDR(bStr);
  if (!parsed) throw builtinError(`not a valid textual representation of an IP address or CIDR: ${bStr}`);
  return netContains(netA, parsed.net.ip) && netContains(netA, lastIP(parsed.net));
}

function matchTerm(v: Value, operand: number): Value {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.length > 0) return v[0]!;
  throw builtinError(`operand ${operand}: element must be string or non-empty array`);
}

/** The (cidr, index) pairs an operand of net.cidr_contains_matches stands for. */
function matchPairs(v: Value, operand: number): [Value, Value][] {
  if (typeof v === 'string') return [[v, v]];
  if (Array.isArray(v)) return v.map((x, i) => [matchTerm(x, operand), i]);
  if (v instanceof RSet) return v.sorted().map((x) => [matchTerm(x, operand), x]);
  if (v instanceof RObject) return v.sortedEntries().map(([k, x]) => [matchTerm(x, operand), k]);
  return [];
}

function containsMatches(a: Value, b: Value): RSet {
  const result = new RSet();
  for (const [cidr1, index1] of matchPairs(a, 1)) {
    for (const [cidr2, index2] of matchPairs(b, 2)) {
      if (cidrContains(cidr1, cidr2)) result.add([index1, index2]);
    }
  }
  return result;
}

function expand(v: Value): RSet {
  const s = stringArg(v, 1);
  const parsed = parseCIDR(s);
  if (!parsed) throw builtinError(`invalid CIDR address: ${s}`);
  const first = maskIP(parsed.ip, parsed.net.mask)!;
  const [ones, bits] = maskSize(parsed.net.mask);
  const count = 1n << BigInt(bits - ones);
  if (count > BigInt(MAX_EXPAND)) throw builtinError('timed out before generating all IP addresses');
  const start = ipToBigInt(first);
  const out = new RSet();
  for (let i = 0n; i < count; i++) out.add(ipString(bigIntToIP(start + i, first.length)));
  return out;
}

export const netCidrBuiltins: BuiltinDef[] = [
  { name: 'net.cidr_contains', arity: 2, impl: ([a, b]) => cidrContains(a!, b!) },
  {
    name: 'net.cidr_intersects',
    arity: 2,
    impl: ([a, b]) => {
      const x = netOperand(a!);
      const y = netOperand(b!);
      return netContains(x, y.ip) || netContains(y, x.ip);
    },
  },
  { name: 'net.cidr_contains_matches', arity: 2, impl: ([a, b]) => containsMatches(a!, b!) },
  { name: 'net.cidr_expand', arity: 1, impl: ([v]) => expand(v!) },
  {
    name: 'net.cidr_is_valid',
    arity: 1,
    impl: ([v]) => typeof v === 'string' && parseCIDR(v) !== undefined,
  },
  cidrMergeBuiltin,
];
