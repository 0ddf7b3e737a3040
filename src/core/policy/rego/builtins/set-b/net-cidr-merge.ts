/**
 * net.cidr_merge: OPA's (netaddr/cilium) algorithm. Every input becomes an address range in
 * 16-byte space; overlapping or adjacent ranges merge; untouched inputs print as given (a bare
 * IPv4 address keeps its class-based default mask), merged ranges as their minimal CIDR cover.
 */

import { RSet, type Value } from '../../value.js';
import { type BuiltinDef, builtinError } from '../types.js';
import {
  bigIntToIP,
  defaultMask,
  type IP,
  type IPNet,
  ipToBigInt,
  maskIP,
  maskSize,
  netString,
  parseCIDR,
  parseIP,
  to4,
} from './go-net.js';

const V4_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];
const V4_BASE = ipToBigInt(Uint8Array.from([...V4_PREFIX, 0, 0, 0, 0]));

interface Range {
  first: bigint;
  last: bigint;
  network?: IPNet;
}

function toNetwork(v: Value): IPNet {
  if (typeof v !== 'string') throw builtinError('element must be string');
  const ip = parseIP(v);
  if (!ip) {
    const parsed = parseCIDR(v);
    if (!parsed) throw builtinError(`invalid CIDR address: ${v}`);
    return parsed.net;
  }
  const mask = defaultMask(ip);
  if (!mask) throw builtinError('IPv6 invalid: needs prefix length');
  return { ip, mask };
}

/** `GetAddressRange`: first and last address as 128-bit integers (IPv4 mapped into ::ffff:0:0/96). */
function addressRange(n: IPNet): Range {
  let first: IP = maskIP(n.ip, n.mask) ?? n.ip;
  if (first.length === 4) first = Uint8Array.from([...V4_PREFIX, ...first]);
  const lo = ipToBigInt(first);
  const hostBits = BigInt(n.mask.length * 8 - maskSize(n.mask)[0]);
  return { first: lo, last: lo | ((1n << hostBits) - 1n), network: n };
}

/** Go's `GetPreviousIP`: no wrap below 0.0.0.0 (IPv4) or :: (IPv6). */
function previous(ip: bigint): bigint {
  return ip === 0n || ip === V4_BASE ? ip : ip - 1n;
}

/** The minimal list of CIDRs exactly covering [first, last]. */
function rangeToNetworks(first: bigint, last: bigint): IPNet[] {
  const isV4 = to4(bigIntToIP(first, 16)) !== undefined;
  const bits = isV4 ? 32 : 128;
  const base = isV4 ? V4_BASE : 0n;
  const out: IPNet[] = [];
  let cur = first - base;
  const end = last - base;
  while (cur <= end) {
    let size = 0;
    while (
      size < bits &&
      (cur & ((1n << BigInt(size + 1)) - 1n)) === 0n &&
      cur + (1n << BigInt(size + 1)) - 1n <= end
    ) {
      size++;
    }
    const ip = bigIntToIP(cur + base, 16);
    const mask = new Uint8Array(bits / 8);
    const ones = bits - size;
    for (let i = 0; i < mask.length; i++) mask[i] = (0xff00 >> Math.max(0, Math.min(8, ones - i * 8))) & 0xff;
    out.push({ ip, mask });
    cur += 1n << BigInt(size);
  }
  return out;
}

const minBig = (a: bigint, b: bigint) => (a < b ? a : b);

function merge(networks: IPNet[]): string[] {
  const ranges = networks.map(addressRange);
  ranges.sort((a, b) =>
    a.last !== b.last ? (a.last < b.last ? -1 : 1) : a.first < b.first ? -1 : a.first > b.first ? 1 : 0,
  );
  for (let i = ranges.length - 1; i > 0; i--) {
    const cur = ranges[i]!;
    const prev = ranges[i - 1]!;
    if (previous(cur.first) <= prev.last) {
      ranges[i - 1] = { first: minBig(prev.first, cur.first), last: cur.last };
      ranges.splice(i, 1);
    }
  }
  return ranges.flatMap((r) => (r.network ? [r.network] : rangeToNetworks(r.first, r.last))).map(netString);
}

export const cidrMergeBuiltin: BuiltinDef = {
  name: 'net.cidr_merge',
  arity: 1,
  impl: ([v]) => {
    let items: Value[];
    if (Array.isArray(v)) items = v;
    else if (v instanceof RSet) items = v.sorted();
    else throw builtinError('operand must be an array');
    return RSet.from(merge(items.map(toNetwork)));
  },
};
