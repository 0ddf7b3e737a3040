/**
 * Body limits over a real socket, where @hono/node-server reads JSON bodies straight from the
 * request stream: by Content-Length when there is one, by counting when the body is chunked.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BODY_LIMIT } from '../../src/http/app.js';
import { type Stack, startStack } from '../helpers/app-stack.js';

function send(
  url: string,
  token: string,
  body: string,
  opts: { chunked?: boolean } = {},
): Promise<{ status: number; json: any }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        method: 'POST',
        path: '/api/v1alpha1/requests',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          ...(opts.chunked ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode!, json: text ? JSON.parse(text) : undefined });
        });
      },
    );
    // A socket the server stops reading may be reset after its answer: that is not the test's concern.
    req.on('error', (e: NodeJS.ErrnoException) =>
      e.code === 'ECONNRESET' || e.code === 'EPIPE' ? undefined : reject(e),
    );
    if (opts.chunked) {
      for (let i = 0; i < body.length; i += 65_536) req.write(body.slice(i, i + 65_536));
      req.end();
    } else req.end(body);
  });
}

describe('body limits over HTTP', () => {
  let s: Stack;
  let server: ReturnType<typeof serve>;
  let url: string;
  let alice: string;
  const good = {
    provider: 'mock',
    role: 'ReadOnly',
    resource_scope: 'dev',
    duration: '30m',
    reason: 'limits',
  };
  const count = async () => Number((await s.rows('select count(*)::int as n from requests'))[0]!.n);

  beforeAll(async () => {
    s = await startStack('pglite');
    server = serve({ fetch: s.app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise<void>((r) => server.once('listening', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    alice = await s.humanToken('alice@example.com', ['sre']);
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await s.close();
  });

  it('reads a JSON body of any size up to the limit', async () => {
    const r = await send(url, alice, JSON.stringify(good));
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    const chunked = await send(url, alice, JSON.stringify(good), { chunked: true });
    expect(chunked.status, JSON.stringify(chunked.json)).toBe(201);
  });

  it('refuses a body over the limit by its Content-Length, and a chunked one by counting: 413, nothing stored', async () => {
    const before = await count();
    const big = JSON.stringify({ ...good, reason: 'x'.repeat(DEFAULT_BODY_LIMIT + 10) });
    for (const chunked of [false, true]) {
      const r = await send(url, alice, big, { chunked });
      expect(r.status, `chunked=${chunked}`).toBe(413);
      expect(r.json.error.code).toBe('VALIDATION');
      expect(r.json.error.message).toMatch(/too large/);
    }
    expect(await count()).toBe(before);
  });

  it('malformed JSON read from the socket is a 400, not a 500', async () => {
    const r = await send(url, alice, '{"provider": "mock",');
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('VALIDATION');
  });
});
