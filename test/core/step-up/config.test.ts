/** Step-up config (ADR 0050): defaults, bounds, env names, and production mode's https rule for http.public_url. */
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../../src/core/config.js';
import { assertProductionSafe } from '../../../src/server/production-mode.js';

const base = { home: '/nonexistent-jitsudo-home' };

describe('step-up config', () => {
  it('defaults to 300 s sign-in age and link lifetime; refuses out-of-range values naming the key', () => {
    expect(parseConfig(base).approvals).toEqual({ step_up_max_age_seconds: 300, step_up_link_seconds: 300 });
    expect(() => parseConfig({ ...base, approvals: { step_up_max_age_seconds: 5 } })).toThrow(
      /approvals\.step_up_max_age_seconds/,
    );
    expect(() => parseConfig({ ...base, approvals: { step_up_link_seconds: 0 } })).toThrow(
      /approvals\.step_up_link_seconds/,
    );
    expect(() => parseConfig({ ...base, http: { public_url: 'ftp://x.example' } })).toThrow(
      /http\.public_url/,
    );
  });

  it('reads the web client and public URL from JITSUDOD_ variables', () => {
    const c = loadConfig({
      env: {
        JITSUDO_HOME: '/nonexistent-jitsudo-home',
        JITSUDOD_PUBLIC_URL: 'https://jitsudo.example',
        JITSUDOD_OIDC_ISSUER: 'https://idp.example',
        JITSUDOD_OIDC_AUDIENCE: 'https://jitsudo.example/api',
        JITSUDOD_OIDC_WEB_CLIENT_ID: 'web',
        JITSUDOD_OIDC_WEB_CLIENT_SECRET: 'web-secret',
      },
    });
    expect(c.http.public_url).toBe('https://jitsudo.example');
    expect(c.auth.oidc).toMatchObject({ web_client_id: 'web', web_client_secret: 'web-secret' });
  });

  it('production mode wants an https public URL (plain http only on loopback)', () => {
    const prod = (public_url: string) =>
      parseConfig({
        ...base,
        mode: 'production',
        http: { addr: '127.0.0.1:8080', public_url },
        database: { url: 'postgres://db.example/jitsudo' },
        auth: { mode: 'oidc', oidc: { issuer: 'https://idp.example', audience: 'https://jitsudo.example' } },
      });
    expect(() => assertProductionSafe(prod('http://jitsudo.example'))).toThrow(
      /http\.public_url: production mode requires https/,
    );
    expect(() => assertProductionSafe(prod('http://127.0.0.1:8080'))).not.toThrow();
    expect(() => assertProductionSafe(prod('https://jitsudo.example'))).not.toThrow();
  });
});
