/**
 * jitsudo embedded in a host Hono app under /jitsudo, imported by its package name (the "exports"
 * map, not a relative path): HTTP API, OpenAPI servers entry, the typed client and /mcp all work
 * through the host's routing; the core verbs and the sweeper handle are the same instance's.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Hono } from 'hono';
import { createJitsudo, type Jitsudo, MockProvider } from 'jitsudo';
import { createClient } from 'jitsudo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb, testDatabases } from '../helpers/db.js';

describe.each(testDatabases())('jitsudo mounted in a host app (%s)', (driver) => {
  let db: TestDb;
  let j: Jitsudo;
  let host: Hono;
  const mock = new MockProvider();
  const hostFetch = async (url: string | URL, init?: RequestInit) => host.request(String(url), init);
  const token = async (email: string, groups: string[] = []) => {
    const res = await host.request('/jitsudo/api/v1alpha1/auth/dev-token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, groups }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { token: string }).token;
  };

  beforeAll(async () => {
    db = await createTestDb(driver);
    j = await createJitsudo({
      config: {
        home: '/nonexistent-jitsudo-home',
        log: { level: 'silent' },
        encryption: { key: 'a'.repeat(64) },
      },
      database: db,
      providers: [mock],
      startSweeper: false,
    });
    host = new Hono();
    host.get('/', (c) => c.text('host home'));
    host.route('/jitsudo', j.app);
  });
  afterAll(async () => {
    await j?.close();
    await db?.close();
  });

  it('serves the HTTP API, health and its own 404 under the mount point; the host keeps its routes', async () => {
    expect(await (await host.request('/')).text()).toBe('host home');
    expect((await host.request('/jitsudo/healthz')).status).toBe(200);
    const alice = await token('alice@example.com', ['sre']);
    const res = await host.request('/jitsudo/api/v1alpha1/requests', {
      method: 'POST',
      headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        provider: 'mock',
        role: 'admin',
        resource_scope: 'sandbox',
        reason: 'embedded',
      }),
    });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { request: { state: string } }).request.state).toBe('PENDING');
    const unauth = await host.request('/jitsudo/api/v1alpha1/requests');
    expect(unauth.status).toBe(401);
    expect(unauth.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('/openapi.json names the mount point as its server', async () => {
    const doc = (await (await host.request('/jitsudo/openapi.json')).json()) as {
      servers: { url: string }[];
      paths: Record<string, unknown>;
    };
    expect(doc.servers).toEqual([{ url: '/jitsudo' }]);
    expect(doc.paths['/api/v1alpha1/requests']).toBeDefined();
  });

  it('an explicit basePath wins over the derived one (for hosts that rewrite paths)', async () => {
    const j2 = await createJitsudo({
      config: {
        home: '/nonexistent-jitsudo-home',
        log: { level: 'silent' },
        encryption: { key: 'a'.repeat(64) },
      },
      database: db,
      providers: [mock],
      policies: j.core.deps.policies,
      basePath: '/behind/proxy/',
      startSweeper: false,
    });
    const doc = (await (await j2.app.request('/openapi.json')).json()) as { servers: { url: string }[] };
    expect(doc.servers).toEqual([{ url: '/behind/proxy' }]);
    const root = (await (await j.app.request('/openapi.json')).json()) as { servers?: unknown };
    expect(root.servers).toBeUndefined();
    await j2.close();
  });

  it('the typed client (jitsudo/client) works against the mounted app', async () => {
    const client = createClient({
      server: 'http://localhost/jitsudo',
      token: await token('bob@example.com'),
      fetch: hostFetch,
    });
    expect(await client.whoami()).toMatchObject({ identity: 'bob@example.com', kind: 'human' });
    const created = await client.createRequest({
      provider: 'mock',
      role: 'viewer',
      resource_scope: 'x',
      reason: 'client',
    });
    expect((await client.getRequest(created.id)).id).toBe(created.id);
  });

  it('/mcp works under the mount point, with the same core behind it', async () => {
    const bearer = await token('carol@example.com', ['sre']);
    const client = new Client({ name: 'host-test', version: '1' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL('http://localhost/jitsudo/mcp'), {
        fetch: hostFetch,
        requestInit: { headers: { authorization: `Bearer ${bearer}` } },
      }),
    );
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['request_access', 'wait_for_request', 'release_access']));
    const r = await client.callTool({
      name: 'request_access',
      arguments: { provider: 'mock', role: 'admin', scope: 'sandbox', reason: 'via embedded mcp' },
    });
    expect(r.isError).toBeFalsy();
    const id = (r.structuredContent as { request: { id: string } }).request.id;
    const viaCore = await j.core.getRequest(
      {
        identity: 'carol@example.com',
        kind: 'human',
        groups: ['sre'],
        scopes: ['requester'],
        isAdmin: false,
      },
      { id },
    );
    expect(viaCore).toMatchObject({ id, state: 'PENDING', reason: 'via embedded mcp' });
    await client.close();
    const noToken = await host.request('/jitsudo/mcp', { method: 'POST', body: '{}' });
    expect(noToken.status).toBe(401);
  });

  it('sweeper start/stop are idempotent and close() is too', async () => {
    j.sweeper.start();
    j.sweeper.start();
    await j.sweeper.stop();
    await j.sweeper.stop();
  });
});
