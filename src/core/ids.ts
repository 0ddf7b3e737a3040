/**
 * Prefixed, time-sortable identifiers (`req_01J8…`): ULIDs (48-bit millisecond time, 80 random bits,
 * Crockford base32), so the newest-first listings and cursors can order by id. Ids from one process
 * are strictly increasing even within one millisecond (the random part counts up, as in the ULID
 * spec's monotonic mode). Written here rather than taken from the `ulid` package because every
 * request makes several ids and that package asks the CSPRNG once per character; this one draws
 * its randomness from a pooled buffer (bench/requests.ts showed ~2 % of server CPU in it).
 */
import { randomFillSync } from 'node:crypto';

export type IdPrefix = 'req' | 'pol' | 'agt' | 'apr' | 'chk' | 'key' | 'rq' | 'evt';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const RANDOM_BYTES = 10; // 80 bits
const POOL = Buffer.alloc(RANDOM_BYTES * 256);
let poolAt = POOL.length;

function freshRandom(into: Buffer): void {
  if (poolAt + RANDOM_BYTES > POOL.length) {
    randomFillSync(POOL);
    poolAt = 0;
  }
  POOL.copy(into, 0, poolAt, poolAt + RANDOM_BYTES);
  poolAt += RANDOM_BYTES;
}

/** Adds one to the 80-bit big-endian counter; false when it wrapped (2^80 ids in one ms: never in practice). */
function increment(b: Buffer): boolean {
  for (let i = b.length - 1; i >= 0; i--) {
    if (b[i]! < 255) {
      b[i]!++;
      return true;
    }
    b[i] = 0;
  }
  return false;
}

function encodeTime(ms: number): string {
  let out = '';
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[ms % 32]! + out;
    ms = Math.floor(ms / 32);
  }
  return out;
}

/** 80 bits → 16 base32 characters, most significant first. */
function encodeRandom(b: Buffer): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < b.length; i++) {
    acc = (acc << 8) | b[i]!;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(acc >> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  return out;
}

/**
 * A monotonic ULID generator with its own state: each call returns a 26-character ULID greater than
 * the one before. A clock that steps back keeps the last time, so ids never go backwards.
 */
export function monotonicUlid(): (now?: number) => string {
  let lastMs = -1;
  const last = Buffer.alloc(RANDOM_BYTES);
  return (now = Date.now()) => {
    if (now > lastMs) {
      lastMs = now;
      freshRandom(last);
    } else if (!increment(last)) {
      lastMs++;
      freshRandom(last);
    }
    return encodeTime(lastMs) + encodeRandom(last);
  };
}

const next = monotonicUlid();

/** A new `<prefix>_<ULID>`; strictly increasing within this process. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${next()}`;
}

const ID_RE = /^[a-z]{2,3}_[0-9A-HJKMNP-TV-Z]{26}$/;

/** Whether `s` looks like an id with this prefix (shape only, no lookup). */
export function isId(s: unknown, prefix: IdPrefix): s is string {
  return typeof s === 'string' && s.startsWith(`${prefix}_`) && ID_RE.test(s);
}

/** The creation time encoded in a ULID or prefixed id (ms since the epoch), or NaN if malformed. */
export function idTime(id: string): number {
  const u = id.slice(id.indexOf('_') + 1, id.indexOf('_') + 11);
  if (u.length !== 10) return Number.NaN;
  let ms = 0;
  for (const ch of u) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) return Number.NaN;
    ms = ms * 32 + v;
  }
  return ms;
}
