import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/core/config.js';
import { AppError } from '../../../src/core/errors.js';
import {
  createAuthenticator,
  issueDevToken,
  mintDevToken,
  verifyToken,
} from '../../../src/core/identity/index.js';

const config = parseConfig({ home: '/tmp/x', auth: { admin_emails: ['Boss@Example.com'] } });
const keys = { tokenKey: randomBytes(32) };
const deps = { config, keys };

const code = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'OK';
  } catch (e) {
    return e instanceof AppError ? `${e.code}: ${e.message}` : `raw: ${String(e)}`;
  }
};

describe('dev identity', () => {
  it('mints a token that verifies to the same identity and groups', async () => {
    const { token, expiresAt } = await mintDevToken(keys, {
      email: 'Alice@Example.com',
      groups: ['sre'],
      kind: 'human',
      ttl: 600,
    });
    expect(expiresAt.getTime()).toBeGreaterThan(Date.now() + 590_000);
    const actor = await verifyToken(deps, token);
    expect(actor).toEqual({
      identity: 'alice@example.com',
      kind: 'human',
      groups: ['sre'],
      scopes: ['requester'],
      isAdmin: false,
      // A dev token's sign-in time is its minting (ADR 0050): step-up counts it as fresh.
      authTime: expect.any(Number),
    });
    expect(Math.abs(actor.authTime! - Date.now() / 1000)).toBeLessThan(120);
  });

  it('derives admin from the admin group or admin_emails, never from a token claim', async () => {
    const viaGroup = await mintDevToken(keys, {
      email: 'a@x.io',
      groups: ['jitsudo-admins'],
      kind: 'human',
      ttl: 60,
    });
    expect((await verifyToken(deps, viaGroup.token)).isAdmin).toBe(true);
    const viaEmail = await mintDevToken(keys, {
      email: 'boss@example.com',
      groups: [],
      kind: 'human',
      ttl: 60,
    });
    expect((await verifyToken(deps, viaEmail.token)).scopes).toEqual(['requester', 'admin']);
    const forged = await new SignJWT({ email: 'eve@x.io', groups: [], kind: 'human', isAdmin: true })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('jitsudo-dev')
      .setAudience('jitsudo')
      .setSubject('eve@x.io')
      .setExpirationTime('1h')
      .sign(keys.tokenKey);
    expect((await verifyToken(deps, forged)).isAdmin).toBe(false);
  });

  it('rejects tokens signed with another key, expired, tampered, unsigned or with a mismatched subject', async () => {
    const other = await mintDevToken(
      { tokenKey: randomBytes(32) },
      { email: 'a@x.io', groups: [], kind: 'human', ttl: 60 },
    );
    expect(await code(verifyToken(deps, other.token))).toBe('UNAUTHENTICATED: invalid token');
    const expired = await new SignJWT({ email: 'a@x.io', groups: [], kind: 'human' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('jitsudo-dev')
      .setAudience('jitsudo')
      .setSubject('a@x.io')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 120)
      .sign(keys.tokenKey);
    expect(await code(verifyToken(deps, expired))).toBe('UNAUTHENTICATED: token expired; log in again');
    const good = (await mintDevToken(keys, { email: 'a@x.io', groups: [], kind: 'human', ttl: 60 })).token;
    const [h, p, s] = good.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, groups: ['jitsudo-admins'] })).toString('base64url')}.${s}`;
    expect(await code(verifyToken(deps, tampered))).toMatch(/^UNAUTHENTICATED/);
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`;
    expect(await code(verifyToken(deps, none))).toMatch(/^UNAUTHENTICATED/);
    const wrongSub = await new SignJWT({ email: 'a@x.io', groups: [], kind: 'human' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('jitsudo-dev')
      .setAudience('jitsudo')
      .setSubject('b@x.io')
      .setExpirationTime('1h')
      .sign(keys.tokenKey);
    expect(await code(verifyToken(deps, wrongSub))).toBe('UNAUTHENTICATED: invalid token claims');
    expect(await code(verifyToken(deps, ''))).toMatch(/^UNAUTHENTICATED/);
    expect(await code(verifyToken(deps, 'x'.repeat(10_000)))).toMatch(/^UNAUTHENTICATED/);
  });

  it('refuses bad subjects when minting', async () => {
    expect(
      await code(mintDevToken(keys, { email: 'not-an-email', groups: [], kind: 'human', ttl: 60 })),
    ).toMatch(/^VALIDATION: invalid email/);
    expect(
      await code(mintDevToken(keys, { email: 'a@x.io', groups: ['a b'], kind: 'human', ttl: 60 })),
    ).toMatch(/^VALIDATION: invalid groups\.0/);
    expect(await code(mintDevToken(keys, { email: 'a@x.io', groups: [], kind: 'human', ttl: -5 }))).toMatch(
      /^VALIDATION/,
    );
  });

  it('issueDevToken caps the lifetime at auth.dev_token_ttl_seconds and only works in dev mode', async () => {
    const t = await issueDevToken(deps, { email: 'a@x.io', ttl_seconds: 10 ** 9 });
    expect(t.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(config.auth.dev_token_ttl_seconds * 1000);
    expect(await code(issueDevToken(deps, { email: 'a@x.io', extra: 1 }))).toMatch(/^VALIDATION/);
    const oidc = { ...deps, config: { auth: { ...config.auth, mode: 'oidc' as const } } };
    expect(await code(issueDevToken(oidc, { email: 'a@x.io' }))).toMatch(/^FORBIDDEN/);
    expect(() => createAuthenticator(oidc)).toThrow(/invalid config key auth\.oidc: required/);
    expect(createAuthenticator(deps).mode).toBe('dev');
  });
});
