/**
 * Go's encoding/base64 decoder (non-strict), so decoding accepts and rejects exactly what OPA
 * does and reports Go's `illegal base64 data at input byte N` positions.
 */
const STD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export type Base64Alphabet = 'std' | 'url';

/** Thrown with Go's CorruptInputError text. */
export class CorruptInputError extends Error {
  constructor(readonly offset: number) {
    super(`illegal base64 data at input byte ${offset}`);
  }
}

function decodeMap(alphabet: string): Int16Array {
  const m = new Int16Array(256).fill(-1);
  for (let i = 0; i < alphabet.length; i++) m[alphabet.charCodeAt(i)] = i;
  return m;
}
const MAPS = { std: decodeMap(STD), url: decodeMap(URL) };
const isNewline = (c: number | undefined) => c === 0x0a || c === 0x0d;

/** Decodes bytes; `padded` selects StdEncoding/URLEncoding vs their Raw (unpadded) forms. */
export function goBase64Decode(src: Uint8Array, alphabet: Base64Alphabet, padded: boolean): Buffer {
  const map = MAPS[alphabet];
  const out: number[] = [];
  let si = 0;
  while (si < src.length) {
    const dbuf = [0, 0, 0, 0];
    let dlen = 4;
    let trailingError: CorruptInputError | undefined;
    for (let j = 0; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return Buffer.from(out);
        if (j === 1 || padded) throw new CorruptInputError(si - j);
        dlen = j;
        break;
      }
      const c = src[si]!;
      si++;
      const v = map[c]!;
      if (v >= 0) {
        dbuf[j] = v;
        continue;
      }
      if (isNewline(c)) {
        j--;
        continue;
      }
      if (!padded || c !== 0x3d) throw new CorruptInputError(si - 1);
      // Padding: only valid after two or three data characters.
      if (j === 0 || j === 1) throw new CorruptInputError(si - 1);
      if (j === 2) {
        while (si < src.length && isNewline(src[si])) si++;
        if (si === src.length) throw new CorruptInputError(src.length);
        if (src[si] !== 0x3d) throw new CorruptInputError(si - 1);
        si++;
      }
      while (si < src.length && isNewline(src[si])) si++;
      if (si < src.length) trailingError = new CorruptInputError(si);
      dlen = j;
      break;
    }
    const val = (dbuf[0]! << 18) | (dbuf[1]! << 12) | (dbuf[2]! << 6) | dbuf[3]!;
    const bytes = [(val >> 16) & 0xff, (val >> 8) & 0xff, val & 0xff];
    for (let k = 0; k < dlen - 1; k++) out.push(bytes[k]!);
    if (trailingError) throw trailingError;
  }
  return Buffer.from(out);
}

/** Encodes bytes with padding (StdEncoding/URLEncoding) or without (RawURLEncoding). */
export function goBase64Encode(src: Uint8Array, alphabet: Base64Alphabet, padded: boolean): string {
  const b = Buffer.from(src.buffer, src.byteOffset, src.byteLength);
  const s = b.toString(alphabet === 'std' ? 'base64' : 'base64url');
  if (alphabet === 'std') return padded ? s : s.replace(/=+$/, '');
  return padded ? s + '='.repeat((4 - (s.length % 4)) % 4) : s;
}
