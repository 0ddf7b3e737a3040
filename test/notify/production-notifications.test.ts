/**
 * Production mode (ADR 0041) and the notification endpoints: everything that carries a token, a
 * signature or request details leaves this host only over TLS. Refused at start with the key named.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { assertProductionSafe } from '../../src/server/production-mode.js';

const TOKEN = 'xoxb-production-check-token';
const SECRET = 'signing-secret-0123456789';

function cfg(mode: 'dev' | 'production', notifications: unknown) {
  return parseConfig({
    home: '/tmp/jitsudo-unused',
    log: { level: 'silent' },
    mode,
    http: { addr: '127.0.0.1:8080' },
    database: { url: 'postgres://db.example/jitsudo' },
    auth: { mode: 'oidc', oidc: { issuer: 'https://idp.example', audience: 'https://jitsudo.example' } },
    notifications,
  });
}

/** The message assertProductionSafe refuses with, or undefined when it accepts. */
function refusal(mode: 'dev' | 'production', notifications: unknown): string | undefined {
  try {
    assertProductionSafe(cfg(mode, notifications));
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

const slack = (api_url: string) => ({ slack: { token: TOKEN, signing_secret: SECRET, api_url } });

describe('production mode: notification endpoints', () => {
  it('refuses a plain-http Slack api_url off loopback, naming the key and never the token', () => {
    const msg = refusal('production', slack('http://slack-proxy.example.com/api/'));
    expect(msg).toMatch(/invalid config key notifications\.slack\.api_url: production mode requires https/);
    expect(msg).not.toContain(TOKEN);
    expect(refusal('production', slack('https://slack-proxy.example.com/api/'))).toBeUndefined();
    expect(refusal('production', slack('http://127.0.0.1:9999/api/'))).toBeUndefined();
    // Dev mode (tests, local fakes) accepts plain http anywhere.
    expect(refusal('dev', slack('http://slack-proxy.example.com/api/'))).toBeUndefined();
    // Not an http(s) URL at all: refused by the schema in any mode.
    expect(() => cfg('dev', slack('ftp://slack.example.com/api/'))).toThrow(/notifications\.slack\.api_url/);
  });

  it('refuses http webhooks and SIEM endpoints off loopback; https passes', () => {
    const hook = (url: string) => ({ webhooks: [{ name: 'ops', url, secrets: [SECRET] }] });
    expect(refusal('production', hook('http://hooks.example.com/j'))).toMatch(
      /notifications\.webhooks\.0\.url: production mode requires https/,
    );
    expect(refusal('production', hook('https://hooks.example.com/j'))).toBeUndefined();
    const siem = (url: string) => ({ siem: [{ name: 'splunk', url }] });
    expect(refusal('production', siem('http://siem.example.com/in'))).toMatch(/notifications\.siem\.0\.url/);
    expect(refusal('production', siem('https://siem.example.com/in'))).toBeUndefined();
    expect(refusal('dev', siem('http://siem.example.com/in'))).toBeUndefined();
  });

  it('refuses SMTP without TLS in production (off loopback); tls and starttls pass', () => {
    const mail = (security: string, host = 'smtp.example.com') => ({
      email: { smtp: { host, security }, from: 'j@example.com', recipients: [{ to: ['a@example.com'] }] },
    });
    expect(refusal('production', mail('none'))).toMatch(
      /invalid config key notifications\.email\.smtp\.security: production mode requires tls or starttls/,
    );
    expect(refusal('production', mail('tls'))).toBeUndefined();
    expect(refusal('production', mail('starttls'))).toBeUndefined();
    expect(refusal('dev', mail('none'))).toBeUndefined();
  });
});
