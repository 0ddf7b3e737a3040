/** Middleware, health, OpenAPI, dev-token and error mapping of the real app. */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { AppError } from '../../src/core/errors.js';
import { createAuthenticator, mintDevToken } from '../../src/core/identity/index.js';
import { createApp } from '../../src/http/app.js';
import { VERB_NAMES } from '../../src/http/core-port.js';
import { createLogger } from '../../src/server/logger.js';
import { type Harness, startHarness } from './support/harness.js';

const P = '/api/v1alpha1';

describe('app on pglite', () => {
  let h: Harness;
  let alice: string;
  beforeAll(async () => {
    h = await startHarness('pglite');
    alice = await h.token('alice@example.com', ['sre']);
  });
  afterAll(() => h?.close());

  it('echoes a well-formed X-Request-Id and replaces a malformed one', async () => {
    const a = await h.call('GET', '/healthz', { headers: { 'x-request-id': 'trace-123' } });
    expect(a.headers.get('x-request-id')).toBe('trace-123');
    const b = await h.call('GET', `${P}/requests/x$`, {
      token: alice,
      headers: { 'x-request-id': 'bad id\u0001' },
    });
    expect(b.headers.get('x-request-id')).toMatch(/^rq_[0-9A-Z]{26}$/);
    expect(b.body.error.requestId).toBe(b.headers.get('x-request-id'));
  });

  it('serves /healthz, /readyz and /version without authentication', async () => {
    expect((await h.call('GET', '/healthz')).body).toEqual({ status: 'ok' });
    expect((await h.call('GET', '/readyz')).body).toEqual({ status: 'ok' });
    const v = await h.call('GET', '/version');
    expect(v.body).toEqual({ version: expect.stringMatching(/^\d+\.\d+\.\d+/), api_versions: ['v1alpha1'] });
  });

  it('publishes an OpenAPI 3.1 document with every operation and named schemas', async () => {
    const doc = (await h.call('GET', '/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    const ops = Object.values(doc.paths as Record<string, Record<string, { operationId?: string }>>)
      .flatMap((p) => Object.values(p).map((o) => o.operationId))
      .filter(Boolean);
    for (const verb of VERB_NAMES) expect(ops).toContain(verb);
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining([
        'Request',
        'CreateRequestInput',
        'Error',
        'Policy',
        'AuditEvent',
        'Principal',
        'Grant',
      ]),
    );
    expect(doc.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/api/v1alpha1/requests'].post.security).toEqual([{ bearer: [] }]);
  });

  it('mints dev tokens for loopback hosts only, and the token works', async () => {
    const t = await h.call('POST', `${P}/auth/dev-token`, {
      body: { email: 'Zed@Example.com', groups: ['sre'] },
    });
    expect(t.status).toBe(200);
    expect(t.headers.get('cache-control')).toBe('no-store');
    const me = await h.call('GET', `${P}/auth/whoami`, { token: t.body.token });
    expect(me.body).toEqual({
      identity: 'zed@example.com',
      kind: 'human',
      groups: ['sre'],
      is_admin: false,
      scopes: ['requester'],
    });
    const rebound = await h.call('POST', `${P}/auth/dev-token`, {
      body: { email: 'a@b.c' },
      headers: { host: 'attacker.example:8080' },
    });
    expect(rebound.status).toBe(403);
    const bad = await h.call('POST', `${P}/auth/dev-token`, { body: { email: 'not-an-email' } });
    expect(bad.status).toBe(400);
  });

  it('readyz turns 503 when the database is gone', async () => {
    const h2 = await startHarness('pglite');
    try {
      await h2.db.close();
      const r = await h2.call('GET', '/readyz');
      expect(r.status).toBe(503);
      expect(r.body).toEqual({ status: 'unavailable', error: 'database unavailable' });
    } finally {
      await h2.core.close().catch(() => {});
    }
  });
});

describe('app error mapping and logging', () => {
  const config = parseConfig({ home: '/x' });
  const keys = { tokenKey: randomBytes(32) };
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  const thrower = (e: unknown) => async () => {
    throw e;
  };
  const verbs = Object.fromEntries(
    VERB_NAMES.map((n) => [n, thrower(new Error('db password=hunter2 leaked'))]),
  ) as never;
  const app = createApp({
    verbs: {
      ...(verbs as object),
      getRequest: thrower(new AppError('INTERNAL', 'pool exhausted at 10.0.0.5')),
      approveRequest: thrower(
        new AppError('POLICY_DENIED', 'approval denied', { details: { reasons: ['r1'] } }),
      ),
      cancelRequest: thrower(new AppError('RATE_LIMITED', 'slow down')),
      revokeRequest: thrower(new AppError('PROVIDER_ERROR', 'aws said no')),
    } as never,
    authenticator: createAuthenticator({ config, keys }),
    log: createLogger('info', sink),
  });

  it('maps each error code to its status and never leaks internals', async () => {
    const token = (await mintDevToken(keys, { email: 'a@x.io', groups: [], kind: 'human', ttl: 60 })).token;
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const get = async (method: string, path: string) => {
      const r = await app.request(path, {
        method,
        headers: auth,
        body: method === 'POST' ? '{}' : undefined,
      });
      return {
        status: r.status,
        body: (await r.json()) as { error: { code: string; message: string; details?: unknown } },
        headers: r.headers,
      };
    };
    const raw = await get('GET', `${P}/requests`);
    expect(raw).toMatchObject({
      status: 500,
      body: { error: { code: 'INTERNAL', message: 'internal error' } },
    });
    const internal = await get('GET', `${P}/requests/req_1`);
    expect(internal.body.error.message).toBe('internal error');
    const denied = await get('POST', `${P}/requests/req_1/approve`);
    expect(denied).toMatchObject({
      status: 403,
      body: { error: { code: 'POLICY_DENIED', details: { reasons: ['r1'] } } },
    });
    const limited = await get('POST', `${P}/requests/req_1/cancel`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
    expect((await get('POST', `${P}/requests/req_1/revoke`)).status).toBe(502);

    const log = lines.join('');
    expect(log).not.toContain(token);
    expect(JSON.stringify([raw.body, internal.body])).not.toMatch(/hunter2|10\.0\.0\.5|stack/);
    const requestLines = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request');
    expect(requestLines.length).toBeGreaterThanOrEqual(5);
    expect(requestLines[0]).toMatchObject({
      method: 'GET',
      path: `${P}/requests`,
      status: 500,
      actor: 'a@x.io',
    });
    expect(requestLines[0].requestId).toMatch(/^rq_/);
  });

  it('redacts secret fields by name', () => {
    const out: string[] = [];
    const log = createLogger(
      'info',
      new Writable({
        write(c, _e, cb) {
          out.push(String(c));
          cb();
        },
      }),
    );
    log.info({ token: 't0k', nested: { credentials: { A: 'x' }, authorization: 'Bearer y' }, ok: 1 }, 'm');
    expect(out.join('')).not.toMatch(/t0k|"A"|Bearer y/);
    expect(out.join('')).toContain('"ok":1');
  });
});
