/**
 * uuid.rfc4122 (random v4, stable per evaluation for the same key, like OPA's builtin cache) and
 * uuid.parse (google/uuid's accepted forms and the fields OPA reports for versions 1 and 2).
 */
import { randomBytes } from 'node:crypto';
import { canonical, normNumber, RObject, type Value } from '../../value.js';
import type { BuiltinDef } from '../types.js';
import { stringArg } from './util.js';

function newV4(): string {
  const b = randomBytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** google/uuid.Parse: 36 chars, "urn:uuid:" + 36, {36} (middle 36 only), or 32 hex digits. */
function parseBytes(s: string): Buffer | undefined {
  let t = s;
  if (t.length === 45) {
    if (t.slice(0, 9).toLowerCase() !== 'urn:uuid:') return undefined;
    t = t.slice(9);
  } else if (t.length === 38) t = t.slice(1, 37);
  else if (t.length === 32) return /^[0-9a-fA-F]{32}$/.test(t) ? Buffer.from(t, 'hex') : undefined;
  if (t.length !== 36) return undefined;
  if (t[8] !== '-' || t[13] !== '-' || t[18] !== '-' || t[23] !== '-') return undefined;
  const hex = t.slice(0, 8) + t.slice(9, 13) + t.slice(14, 18) + t.slice(19, 23) + t.slice(24);
  return /^[0-9a-fA-F]{32}$/.test(hex) ? Buffer.from(hex, 'hex') : undefined;
}

function variant(b: number): string {
  if ((b & 0xc0) === 0x80) return 'RFC4122';
  if ((b & 0xe0) === 0xe0) return 'Future';
  if ((b & 0xe0) === 0xc0) return 'Microsoft';
  return 'Reserved';
}

function macVariables(b: number): string {
  if ((b & 0b11) === 0b11) return 'local:multicast';
  if ((b & 0b01) === 0b01) return 'global:multicast';
  if ((b & 0b10) === 0b10) return 'local:unicast';
  return 'global:unicast';
}

/** 100-ns intervals between 1582-10-15 (the UUID epoch) and 1970-01-01. */
const G1582_NS100 = 122192928000000000n;

function uuidTimeNs(u: Buffer): bigint {
  const t =
    BigInt(u.readUInt32BE(0)) |
    (BigInt(u.readUInt16BE(4)) << 32n) |
    (BigInt(u.readUInt16BE(6) & 0xfff) << 48n);
  const d = t - G1582_NS100;
  // Go's UnixTime: truncating division and remainder.
  return (d / 10_000_000n) * 1_000_000_000n + (d % 10_000_000n) * 100n;
}

function parseUUID(s: string): RObject | undefined {
  const u = parseBytes(s);
  if (!u) return undefined;
  const version = u[6]! >> 4;
  const out = new RObject().set('version', version).set('variant', variant(u[8]!));
  if (version === 1 || version === 2) {
    out.set('time', normNumber(uuidTimeNs(u)));
    out.set('nodeid', [...u.subarray(10, 16)].map((b) => b.toString(16).padStart(2, '0')).join('-'));
    out.set('macvariables', macVariables(u[10]!));
    out.set('clocksequence', u.readUInt16BE(8) & 0x3fff);
    if (version === 2) {
      out.set('id', u.readUInt32BE(0));
      out.set('domain', ['Person', 'Group', 'Org'][u[9]!] ?? `Domain${u[9]}`);
    }
  }
  return out;
}

export const uuidBuiltins: BuiltinDef[] = [
  {
    name: 'uuid.rfc4122',
    arity: 1,
    impl: ([key], ctx) => {
      const cacheKey = `uuid.rfc4122:${canonical(key as Value)}`;
      const cached = ctx.cache.get(cacheKey);
      if (typeof cached === 'string') return cached;
      const id = newV4();
      ctx.cache.set(cacheKey, id);
      return id;
    },
  },
  { name: 'uuid.parse', arity: 1, impl: ([s]) => parseUUID(stringArg(s!, 1)) },
];
