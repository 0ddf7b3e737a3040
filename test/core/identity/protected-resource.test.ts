/** The protected-resource description (RFC 9728) and scope checks: pure, no server. */
import { describe, expect, test } from 'vitest';
import { parseConfig } from '../../../src/core/config.js';
import { assertScopes, grantedScopes } from '../../../src/core/identity/oidc/scopes.js';
import { protectedResource } from '../../../src/core/identity/protected-resource.js';

const oidc = (audience: string, extra: Record<string, unknown> = {}) =>
  parseConfig({
    home: '/nonexistent',
    auth: { mode: 'oidc', oidc: { issuer: 'https://idp.example.com', audience, ...extra } },
  });

describe('protectedResource', () => {
  test('the audience is the resource; the metadata URL is derived from it', () => {
    const r = protectedResource(oidc('https://jitsudo.example.com', { required_scopes: ['jitsudo'] }))!;
    expect(r.metadataUrl).toBe('https://jitsudo.example.com/.well-known/oauth-protected-resource');
    expect(r.paths).toEqual([
      '/.well-known/oauth-protected-resource',
      '/.well-known/oauth-protected-resource/mcp',
    ]);
    expect(r.document).toEqual({
      resource: 'https://jitsudo.example.com',
      authorization_servers: ['https://idp.example.com'],
      bearer_methods_supported: ['header'],
      scopes_supported: ['jitsudo'],
      resource_name: 'jitsudo',
    });
  });

  test('an audience with a path: the path-suffixed form is the one 401s name, and is served', () => {
    const r = protectedResource(oidc('https://jitsudo.example.com/mcp'))!;
    expect(r.metadataUrl).toBe('https://jitsudo.example.com/.well-known/oauth-protected-resource/mcp');
    expect(r.document.resource).toBe('https://jitsudo.example.com/mcp');
    expect(r.document.scopes_supported).toBeUndefined();
    const api = protectedResource(oidc('https://jitsudo.example.com/api/'))!;
    expect(api.metadataUrl).toBe('https://jitsudo.example.com/.well-known/oauth-protected-resource/api');
    expect(api.paths).toContain('/.well-known/oauth-protected-resource/api');
  });

  test.each([
    ['a non-URL audience', 'api://jitsudo'],
    ['plain http off loopback', 'http://jitsudo.example.com'],
    ['a fragment', 'https://jitsudo.example.com/#x'],
    ['a query', 'https://jitsudo.example.com/?a=1'],
  ])('none for %s (MCP clients could not match it)', (_n, audience) => {
    expect(protectedResource(oidc(audience))).toBeUndefined();
  });

  test('none in dev identity mode', () => {
    expect(protectedResource(parseConfig({ home: '/nonexistent' }))).toBeUndefined();
  });
});

describe('scopes', () => {
  test('`scope` (space-separated) and `scp` (array or string) both grant; other shapes grant nothing', () => {
    expect([...grantedScopes({ scope: 'openid jitsudo' })]).toEqual(['openid', 'jitsudo']);
    expect([...grantedScopes({ scp: ['jitsudo', 7] })]).toEqual(['jitsudo']);
    expect([...grantedScopes({ scp: 'a b' })]).toEqual(['a', 'b']);
    expect(grantedScopes({ scope: { jitsudo: true } }).size).toBe(0);
  });

  test('a missing scope is FORBIDDEN naming every required scope', () => {
    expect(() => assertScopes({ scope: 'jitsudo' }, ['jitsudo'])).not.toThrow();
    expect(() => assertScopes({}, [])).not.toThrow();
    try {
      assertScopes({ scope: 'jitsudo' }, ['jitsudo', 'mcp']);
      expect.unreachable();
    } catch (e: any) {
      expect(e.code).toBe('FORBIDDEN');
      expect(e.details).toEqual({ required_scope: 'jitsudo mcp' });
    }
  });
});
