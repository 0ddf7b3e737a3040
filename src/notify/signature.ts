/**
 * Webhook signatures (docs/notifications.md): HMAC-SHA256 over `<unix seconds>.<raw body>`, sent as
 * `X-Jitsudo-Signature-256: t=<unix>,v1=<hex>[,v1=<hex>]` — one v1 per active secret, so a receiver
 * holding either secret verifies during a rotation.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header value for `body` signed at `t` (unix seconds) with each of `secrets`. */
export function signatureHeader(body: string, t: number, secrets: readonly string[]): string {
  return [`t=${t}`, ...secrets.map((s) => `v1=${hmacHex(s, `${t}.${body}`)}`)].join(',');
}

/**
 * What a receiver does: true when one v1 matches `secret` and t is within `toleranceSeconds` of
 * `nowSeconds` (replays of old deliveries are refused).
 */
export function verifySignature(
  header: string,
  body: string,
  secret: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const parts = header.split(',').map((p) => p.trim().split('=', 2) as [string, string?]);
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const want = Buffer.from(hmacHex(secret, `${t}.${body}`), 'hex');
  return parts.some(([k, v]) => {
    if (k !== 'v1' || !v || !/^[0-9a-f]{64}$/.test(v)) return false;
    return timingSafeEqual(want, Buffer.from(v, 'hex'));
  });
}

function hmacHex(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('hex');
}
