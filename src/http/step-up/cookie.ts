/**
 * The step-up page's one cookie (ADR 0050), sealed with AES-256-GCM under the server's encryption
 * key (so it can be neither read nor forged), HttpOnly, on /step-up only, short-lived. Before the
 * sign-in it holds the OIDC checks (state, nonce, PKCE verifier) bound to the link; after, the
 * signed-in person and the CSRF token of the decision form.
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { decryptSecret, encryptSecret } from '../../core/crypto/secrets.js';
import type { HonoEnv } from '../env.js';

export const STEP_UP_COOKIE = 'jitsudo_step_up';
const AAD = 'jitsudo step-up cookie v1';

export const Pending = z.object({
  k: z.literal('pending'),
  link: z.string().max(200),
  state: z.string().max(200),
  nonce: z.string().max(200),
  verifier: z.string().max(200),
  exp: z.number(),
});
export const Session = z.object({
  k: z.literal('session'),
  link: z.string().max(200),
  csrf: z.string().max(200),
  exp: z.number(),
  actor: z.object({
    identity: z.string(),
    kind: z.enum(['human']),
    groups: z.array(z.string()),
    scopes: z.array(z.string()),
    isAdmin: z.boolean(),
    authTime: z.number(),
  }),
});
type Sealed = z.infer<typeof Pending> | z.infer<typeof Session>;

export interface CookieJar {
  key: Buffer;
  secure: boolean;
  nowMs: () => number;
}

export function writeCookie(
  c: Context<HonoEnv>,
  jar: CookieJar,
  v: Sealed,
  sameSite: 'Lax' | 'Strict',
): void {
  setCookie(c, STEP_UP_COOKIE, encryptSecret(jar.key, JSON.stringify(v), AAD), {
    path: '/step-up',
    httpOnly: true,
    secure: jar.secure,
    sameSite,
    maxAge: Math.max(1, Math.ceil((v.exp - jar.nowMs()) / 1000)),
  });
}

/** The cookie's content when it is present, genuine, of the wanted kind and unexpired. */
export function readCookie<T extends typeof Pending | typeof Session>(
  c: Context<HonoEnv>,
  jar: CookieJar,
  schema: T,
): z.infer<T> | undefined {
  const raw = getCookie(c, STEP_UP_COOKIE);
  if (!raw || raw.length > 8192) return undefined;
  try {
    const v = schema.safeParse(JSON.parse(decryptSecret(jar.key, raw, AAD)));
    return v.success && v.data.exp > jar.nowMs() ? (v.data as z.infer<T>) : undefined;
  } catch {
    return undefined;
  }
}

export function clearCookie(c: Context<HonoEnv>, jar: CookieJar): void {
  deleteCookie(c, STEP_UP_COOKIE, { path: '/step-up', secure: jar.secure });
}
