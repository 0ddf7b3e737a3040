import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/core/config.js';
import { mintDevToken, verifyToken } from '../../../src/core/identity/index.js';
import { VerifiedTokenCache } from '../../../src/core/identity/token-cache.js';

const config = parseConfig({ home: '/tmp/x' });
const keys = { tokenKey: randomBytes(32) };
const deps = { config, keys };

describe('verified token cache', () => {
  it('answers a token it verified before, until the token expires', async () => {
    let now = Date.now();
    const cache = new VerifiedTokenCache(100, () => now);
    const { token, expiresAt } = await mintDevToken(keys, {
      email: 'a@x.io',
      groups: ['sre'],
      kind: 'human',
      ttl: 60,
    });
    const first = await verifyToken(deps, token, cache);
    expect(cache.size).toBe(1);
    // Answered from the cache: a verifier with the wrong key would refuse it otherwise.
    const wrongKey = { config, keys: { tokenKey: randomBytes(32) } };
    expect(await verifyToken(wrongKey, token, cache)).toEqual(first);
    now = expiresAt.getTime();
    await expect(verifyToken(wrongKey, token, cache)).rejects.toThrow(/invalid token/);
    expect(cache.size).toBe(0);
  });

  it('never caches a token that failed, and a tampered copy of a cached token is not a hit', async () => {
    const cache = new VerifiedTokenCache();
    const good = (await mintDevToken(keys, { email: 'a@x.io', groups: [], kind: 'human', ttl: 60 })).token;
    await verifyToken(deps, good, cache);
    const [h, p, s] = good.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, groups: ['jitsudo-admins'] })).toString('base64url')}.${s}`;
    await expect(verifyToken(deps, tampered, cache)).rejects.toThrow(/UNAUTHENTICATED|invalid/);
    await expect(verifyToken(deps, tampered, cache)).rejects.toThrow();
    expect(cache.size).toBe(1);
  });

  it('hands out copies: a caller changing its actor does not change the next one', async () => {
    const cache = new VerifiedTokenCache();
    const { token } = await mintDevToken(keys, { email: 'a@x.io', groups: ['sre'], kind: 'human', ttl: 60 });
    const a = await verifyToken(deps, token, cache);
    a.groups.push('jitsudo-admins');
    const b = await verifyToken(deps, token, cache);
    b.scopes.push('admin');
    const c = await verifyToken(deps, token, cache);
    expect(c.groups).toEqual(['sre']);
    expect(c.scopes).toEqual(['requester']);
  });

  it('stays bounded, evicting the oldest entry', async () => {
    const cache = new VerifiedTokenCache(3);
    const tokens = await Promise.all(
      [1, 2, 3, 4].map(
        async (i) =>
          (await mintDevToken(keys, { email: `u${i}@x.io`, groups: [], kind: 'human', ttl: 60 })).token,
      ),
    );
    for (const t of tokens) await verifyToken(deps, t, cache);
    expect(cache.size).toBe(3);
    expect(cache.get(tokens[0]!)).toBeUndefined();
    expect(cache.get(tokens[3]!)?.identity).toBe('u4@x.io');
  });
});
