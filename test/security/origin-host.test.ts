/**
 * The guards that depend on what a client's socket sends, tested against a real jitsudod (dev
 * identity mode, in-memory PGlite) over real HTTP: a request without Host is refused in dev mode;
 * /mcp refuses browser Origins that are not allowed (MCP spec, Streamable HTTP "Security
 * Warning"); the mcp.* config keys reach the running app.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { createAuthenticator } from '../../src/core/identity/index.js';
import { createApp } from '../../src/http/app.js';
import { type RunningServer, startServer } from '../../src/server/start-server.js';
import { httpVerbs } from '../../src/server/verbs.js';
import { callTool, errorOf, postMcp } from '../helpers/mcp-client.js';
import { raw, send } from '../helpers/real-http.js';

const API = '/api/v1alpha1';
const CONSOLE = 'https://console.example.com';
const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

describe('jitsudod over real HTTP: Host and Origin guards', () => {
  const home = mkdtempSync(join(tmpdir(), 'jitsudo-origin-host-'));
  let server: RunningServer;
  let port: number;
  let bob: string;

  const mint = async (email: string) => {
    const r = await send(`${server.url}${API}/auth/dev-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email }),
    });
    expect(r.status, r.text).toBe(200);
    return JSON.parse(r.text).token as string;
  };
  const myRequests = async () =>
    JSON.parse(
      (await send(`${server.url}${API}/requests`, { headers: { authorization: `Bearer ${bob}` } })).text,
    ).requests as { id: string; state: string }[];

  beforeAll(async () => {
    server = await startServer({
      config: parseConfig({
        home,
        http: { addr: '127.0.0.1:0' },
        database: { url: 'memory://' },
        log: { level: 'silent' },
        sweeper: { enabled: false },
        providers: { mock: {} },
        mcp: { allowed_origins: [CONSOLE], max_concurrent_waits: 1 },
      }),
    });
    port = Number(new URL(server.url).port);
    bob = await mint('bob@example.com');
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('dev mode refuses a request without Host (HTTP/1.0, origin-form or absolute-form); with a loopback Host it answers', async () => {
    const body = JSON.stringify({ email: 'root@example.com', groups: ['jitsudo-admins'] });
    const mintRaw = (target: string, host?: string) =>
      raw(
        port,
        `POST ${target} HTTP/1.0\r\n${host ? `Host: ${host}\r\n` : ''}Content-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    for (const target of [`${API}/auth/dev-token`, `http://127.0.0.1:${port}${API}/auth/dev-token`]) {
      const r = await mintRaw(target);
      expect(r.status, `${target}: ${r.text}`).toBe(403);
      expect(JSON.parse(r.text).error.code).toBe('FORBIDDEN');
      expect(r.text).not.toMatch(/"token"/);
    }
    const health = await raw(port, 'GET /healthz HTTP/1.0\r\n\r\n');
    expect(health.status).toBe(403);
    // The same request naming this loopback server is answered, so the refusal is about Host alone.
    const named = await mintRaw(`${API}/auth/dev-token`, `127.0.0.1:${port}`);
    expect(named.status, named.text).toBe(200);
    expect(JSON.parse(named.text).token).toEqual(expect.any(String));
  });

  it('/mcp: an Origin that is not allowed is a 403 before anything runs; no Origin, the configured one and loopback (dev) pass', async () => {
    const ask = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: {
        name: 'request_access',
        arguments: { provider: 'mock', role: 'ReadOnlyAccess', scope: 'dev', reason: 'origin test' },
      },
    });
    const post = (origin?: string, body = ask) =>
      send(`${server.url}/mcp`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bob}`, ...MCP_HEADERS, ...(origin ? { origin } : {}) },
        body,
      });
    for (const origin of [
      'https://evil.example',
      'null',
      `${CONSOLE}.evil.io`,
      `${CONSOLE}/`,
      'http://console.example.com',
      'http://localhost.evil.example:8080',
      'http://127.0.0.1.nip.io',
    ]) {
      const r = await post(origin);
      expect(r.status, `${origin}: ${r.text}`).toBe(403);
      expect(JSON.parse(r.text).error.code).toBe('FORBIDDEN');
    }
    const get = await send(`${server.url}/mcp`, { headers: { origin: 'https://evil.example' } });
    expect(get.status).toBe(403);
    expect(await myRequests()).toEqual([]);

    const list = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} });
    for (const origin of [
      undefined,
      CONSOLE,
      'http://localhost:6274',
      `http://127.0.0.1:${port}`,
      'http://[::1]:3000',
    ]) {
      const r = await post(origin, list);
      expect(r.status, `${origin}: ${r.text}`).toBe(200);
      expect(JSON.parse(r.text).result.tools.length).toBeGreaterThan(0);
    }
  });

  it('outside dev identity mode only the configured origins pass: loopback ones are refused too', async () => {
    const app = createApp({
      verbs: httpVerbs(server.core),
      authenticator: createAuthenticator({ config: server.core.deps.config, keys: server.core.deps.keys }),
      mcp: { allowedOrigins: [CONSOLE] },
    });
    const list = (origin?: string) =>
      postMcp(app, { authorization: `Bearer ${bob}`, ...(origin ? { origin } : {}) });
    for (const origin of [undefined, CONSOLE]) expect((await list(origin)).status, origin).toBe(200);
    for (const origin of ['http://localhost:6274', `http://127.0.0.1:${port}`, 'https://evil.example'])
      expect((await list(origin)).status, origin).toBe(403);
  });

  it('mcp.max_concurrent_waits from config caps one identity’s waits in the running server', async () => {
    const created = await send(`${server.url}${API}/requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bob}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        provider: 'mock',
        role: 'ReadOnlyAccess',
        resource_scope: 'dev',
        duration: '30m',
        reason: 'cap test',
      }),
    });
    expect(created.status, created.text).toBe(201);
    const id = JSON.parse(created.text).request.id as string;
    const client = new Client({ name: 'cap', version: '1' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${bob}` } },
      }),
    );
    const settled: CallToolResult[] = [];
    const waits = [1, 2].map(() =>
      callTool(
        client,
        'wait_for_request',
        { request_id: id, timeout_seconds: 120 },
        { timeout: 150_000 },
      ).then((r) => {
        settled.push(r);
        return r;
      }),
    );
    await vi.waitFor(() => expect(settled.length).toBe(1), { timeout: 60_000, interval: 50 });
    expect(errorOf(settled[0]!)).toMatchObject({ code: 'RATE_LIMITED', details: { maximum: 1 } });
    const cancelled = await send(`${server.url}${API}/requests/${id}/cancel`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bob}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(cancelled.status, cancelled.text).toBe(200);
    const done = (await Promise.all(waits)).filter((r) => !r.isError);
    expect(done.map((r) => r.structuredContent)).toMatchObject([
      { done: true, request: { state: 'CANCELLED' } },
    ]);
    await client.close();
  }, 180_000);
});
