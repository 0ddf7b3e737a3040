/**
 * The webhook sink against real local HTTP servers, no database: redirects are not followed, a
 * receiver that hangs is cut at timeout_ms and retried, status classes map to retry/dead, and the
 * signature scheme refuses tampered or stale deliveries.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import type { OutboxEvent } from '../../src/notify/index.js';
import { signatureHeader, verifySignature } from '../../src/notify/signature.js';
import { eventFilter } from '../../src/notify/sink.js';
import { retryAfter, WebhookSink } from '../../src/notify/webhook.js';
import { startReceiver } from './receiver.js';

const SECRET = 'webhook-unit-secret-0123456789';
const event: OutboxEvent = {
  id: 'evt_01TEST',
  type: 'request.created',
  time: new Date().toISOString(),
  request_id: null,
  data: { actor: 'alice@example.com' },
  request: null,
  attempt: 1,
};
const sinkTo = (url: string, timeout_ms = 2000) => {
  const config = parseConfig({
    home: '/tmp/x',
    notifications: { webhooks: [{ name: 'w', url, secrets: [SECRET], timeout_ms }] },
  });
  return new WebhookSink(config.notifications.webhooks[0]!, [SECRET]);
};
const signal = () => new AbortController().signal;

describe('webhook sink', () => {
  const servers: Server[] = [];
  afterAll(async () => {
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  });

  it('does not follow a redirect: 3xx is a permanent failure and the target never hears of it', async () => {
    const target = await startReceiver();
    const redirecting = await startReceiver();
    try {
      redirecting.answer = () => ({ status: 302, headers: { location: target.url } });
      const r = await sinkTo(redirecting.url).deliver(event, signal());
      expect(r).toEqual({ ok: false, retryable: false, error: 'HTTP 302 (redirects are not followed)' });
      expect(target.all).toHaveLength(0);
    } finally {
      await target.close();
      await redirecting.close();
    }
  });

  it('cuts a receiver that never answers at timeout_ms, as a retryable failure', async () => {
    const hanging = createServer(() => {}); // reads the request, never answers
    servers.push(hanging);
    await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/h`;
    const t0 = Date.now();
    const r = await sinkTo(url, 200).deliver(event, signal());
    expect(r).toEqual({ ok: false, retryable: true, error: 'timed out after 200 ms' });
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('maps statuses: 2xx delivered; 408/429/5xx retried with Retry-After; other 4xx permanent', async () => {
    const rx = await startReceiver(SECRET);
    try {
      const cases: [number, Record<string, string>, unknown][] = [
        [204, {}, { ok: true }],
        [408, {}, { ok: false, retryable: true, error: 'HTTP 408' }],
        [429, { 'retry-after': '7' }, { ok: false, retryable: true, error: 'HTTP 429', retryAfterMs: 7000 }],
        [503, {}, { ok: false, retryable: true, error: 'HTTP 503' }],
        [401, {}, { ok: false, retryable: false, error: 'HTTP 401' }],
        [410, {}, { ok: false, retryable: false, error: 'HTTP 410' }],
      ];
      for (const [status, headers, want] of cases) {
        rx.answer = () => ({ status, headers });
        expect(await sinkTo(rx.url).deliver(event, signal())).toEqual(want);
      }
      expect(rx.badSignatures).toBe(0);
      const last = rx.all.at(-1)!;
      expect(last.id).toBe(event.id);
      expect(last.type).toBe('request.created');
      expect(JSON.parse(last.raw)).toEqual({
        id: event.id,
        type: event.type,
        time: event.time,
        request_id: null,
        data: event.data,
        request: null,
      });
    } finally {
      await rx.close();
    }
  });

  it('Retry-After: seconds or an HTTP date, capped at an hour; nonsense ignored', () => {
    const now = new Date('2030-01-01T00:00:00Z');
    expect(retryAfter('5', now)).toBe(5000);
    expect(retryAfter('Tue, 01 Jan 2030 00:00:30 GMT', now)).toBe(30_000);
    expect(retryAfter('999999', now)).toBe(3600_000);
    expect(retryAfter('soon', now)).toBeUndefined();
    expect(retryAfter(null, now)).toBeUndefined();
  });

  it('signature: both secrets verify; a changed body, another secret or a stale timestamp do not', () => {
    const body = '{"id":"evt_1"}';
    const t = 1_900_000_000;
    const h = signatureHeader(body, t, ['secret-one-0123456789', 'secret-two-0123456789']);
    expect(h).toMatch(/^t=1900000000,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(verifySignature(h, body, 'secret-one-0123456789', t)).toBe(true);
    expect(verifySignature(h, body, 'secret-two-0123456789', t + 299)).toBe(true);
    expect(verifySignature(h, `${body} `, 'secret-one-0123456789', t)).toBe(false);
    expect(verifySignature(h, body, 'secret-three-0123456789', t)).toBe(false);
    expect(verifySignature(h, body, 'secret-one-0123456789', t + 301)).toBe(false);
    expect(verifySignature('v1=zz', body, 'secret-one-0123456789', t)).toBe(false);
  });

  it('event filters: exact, noun.* and *', () => {
    const f = eventFilter(['request.*', 'grant.expiring']);
    expect(f('request.approved')).toBe(true);
    expect(f('grant.expiring')).toBe(true);
    expect(f('grant.revoked')).toBe(false);
    expect(eventFilter(['*'])('audit.checkpoint_refused')).toBe(true);
  });
});
