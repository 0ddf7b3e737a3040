/**
 * SIEM streaming of the audit rows (ADR 0049) to real local receivers — HTTPS JSON lines (test CA),
 * syslog over TCP and TLS (RFC 5424 in RFC 6587 octet-counting frames) — from per-sink cursors in
 * the database: rows arrive in order with their chain verified by the receiver; a receiver that was
 * down gets everything it missed, in order, with no gap.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siemCursors } from '../../src/core/audit/siem-feed.js';
import { parseConfig } from '../../src/core/config.js';
import { sqlRows } from '../../src/core/db/client.js';
import { outboxStatus } from '../../src/core/outbox/status.js';
import { configuredSiem } from '../../src/notify/index.js';
import { type Harness, human, makeHarness, uniq } from '../core/requests/fixtures.js';
import { testDatabases } from '../helpers/db.js';
import { serverTlsFiles, type TlsFiles } from '../helpers/tls-files.js';
import {
  freePort,
  type HttpsReceiver,
  type SyslogReceiver,
  startHttpsReceiver,
  startSyslogReceiver,
} from './siem-receivers.js';

async function headId(h: Harness): Promise<number> {
  const [r] = await sqlRows<{ id: string | number | null }>(
    h.db,
    sql`select max(id) as id from audit_events`,
  );
  return Number(r!.id ?? 0);
}

function streamerFor(h: Harness, files: TlsFiles, sinks: Record<string, unknown>[]) {
  const config = parseConfig({
    ...h.core.deps.config,
    notifications: {
      siem: sinks.map((s) => ({
        ca_file: files.caFile,
        batch_size: 3,
        timeout_ms: 2000,
        max_backoff_seconds: 1,
        poll_interval_ms: 20,
        ...s,
      })),
    },
  });
  return configuredSiem({ ...h.core.deps, config })!;
}

/** Polls `cond` (no fixed sleep) for up to `ms`. */
async function until(cond: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const ids = (rows: Record<string, any>[]) => rows.map((r) => r.id as number);
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

describe.each(testDatabases())('SIEM streaming on %s', (driver) => {
  let h: Harness;
  let files: TlsFiles;
  let web: HttpsReceiver;
  let tcp: SyslogReceiver;
  let tlsRx: SyslogReceiver;
  beforeAll(async () => {
    h = await makeHarness(driver);
    files = await serverTlsFiles('siem');
    web = await startHttpsReceiver(files);
    tcp = await startSyslogReceiver();
    tlsRx = await startSyslogReceiver(files);
    for (let i = 0; i < 4; i++) await h.ask(human(uniq('alice'), ['sre']));
  });
  afterAll(async () => {
    await h?.close();
    await Promise.all([web?.close(), tcp?.close(), tlsRx?.close()]);
  });

  it('streams every row, in order, with its chain verifiable, to HTTPS, syslog/TCP and syslog/TLS', async () => {
    const s = streamerFor(h, files, [
      { name: 'web', url: web.url, format: 'ocsf' },
      { name: 'tcp', url: tcp.url },
      { name: 'tls', url: tlsRx.url },
    ]);
    s.start();
    try {
      const head = await headId(h);
      expect(head).toBeGreaterThan(3); // more than one batch
      await until(() => [web, tcp, tlsRx].every((r) => r.log.rows.at(-1)?.id === head));
      for (const r of [web, tcp, tlsRx]) {
        expect(ids(r.log.rows)).toEqual(range(1, head));
        expect(r.log.errors).toEqual([]);
        expect(r.log.rows.every((x) => typeof x.mac === 'string' && x.mac.length === 32)).toBe(true);
      }
      expect(tcp.bad).toEqual([]);
      expect(tlsRx.bad).toEqual([]);
      expect(tcp.frames).toBe(head);
      expect(web.posts).toBeGreaterThanOrEqual(Math.ceil(head / 3));
      const created = web.log.rows.find((x) => x.action === 'request.created')!;
      expect(created.ocsf).toMatchObject({ class_uid: 6003, activity_id: 1, type_uid: 600301, status_id: 1 });
      expect(created.ocsf.metadata.uid).toBe(String(created.id));
      expect(tcp.log.rows[0]!.ocsf).toBeUndefined();
      // New rows follow on the running stream.
      await h.ask(human(uniq('alice'), ['sre']));
      const head2 = await headId(h);
      await until(() => [web, tcp, tlsRx].every((r) => r.log.rows.at(-1)?.id === head2));
      for (const r of [web, tcp, tlsRx]) expect(r.log.errors).toEqual([]);
      // The cursor moves once the receiver has answered: poll for it too.
      await until(async () => (await siemCursors(h.core.deps)).every((c) => c.last_id === head2));
      const cursors = await siemCursors(h.core.deps);
      expect(cursors.map((c) => [c.sink, c.last_id])).toEqual([
        ['tcp', head2],
        ['tls', head2],
        ['web', head2],
      ]);
    } finally {
      await s.stop();
    }
  });

  it('an HTTPS receiver that was down gets everything it missed, in order, no gaps', async () => {
    const s = streamerFor(h, files, [{ name: 'web', url: web.url }]);
    const before = await headId(h);
    await s.drain();
    expect(web.log.rows.at(-1)?.id).toBe(before);
    await web.down();
    for (let i = 0; i < 3; i++) await h.ask(human(uniq('bob'), ['sre']));
    await s.drain();
    const [c] = (await siemCursors(h.core.deps)).filter((x) => x.sink === 'web');
    expect(c).toMatchObject({ last_id: before, failures: 1, last_error: 'network error: ECONNREFUSED' });
    // The status (jitsudo server status) shows the lag and the error, never a URL.
    const st = await outboxStatus({
      ...h.core.deps,
      config: parseConfig({
        ...h.core.deps.config,
        notifications: { siem: [{ name: 'web', url: web.url }] },
      }),
    });
    expect(st.siem.find((x) => x.sink === 'web')).toEqual({
      sink: 'web',
      last_id: before,
      behind: (await headId(h)) - before,
      failures: 1,
      last_error: 'network error: ECONNREFUSED',
    });
    expect(JSON.stringify(st)).not.toContain('127.0.0.1');
    // Still backing off: nothing is sent even once the receiver is back, until the retry time.
    await web.up();
    await s.drain();
    expect(web.log.rows.at(-1)?.id).toBe(before);
    h.clock.advance(1500);
    await s.drain();
    const head = await headId(h);
    expect(ids(web.log.rows)).toEqual(range(1, head));
    expect(web.log.errors).toEqual([]);
    expect((await siemCursors(h.core.deps)).find((x) => x.sink === 'web')).toMatchObject({
      last_id: head,
      failures: 0,
      last_error: null,
    });
  });

  it('two replicas streaming the same sink never interleave: the receiver sees each row once, in order', async () => {
    const rx = await startHttpsReceiver(files);
    const a = streamerFor(h, files, [{ name: 'pair', url: rx.url }]);
    const b = streamerFor(h, files, [{ name: 'pair', url: rx.url }]);
    try {
      a.start();
      b.start();
      for (let i = 0; i < 3; i++) await h.ask(human(uniq('carol'), ['sre']));
      const head = await headId(h);
      await until(() => rx.log.rows.at(-1)?.id === head);
      expect(ids(rx.log.rows)).toEqual(range(1, head));
      expect(rx.log.errors).toEqual([]);
      expect(rx.log.duplicates).toBe(0);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await rx.close();
    }
  });

  it('a syslog receiver that was not listening yet gets everything from the start once it is', async () => {
    const port = await freePort();
    const s = streamerFor(h, files, [{ name: 'late', url: `syslog+tcp://127.0.0.1:${port}` }]);
    await s.drain();
    const [c] = (await siemCursors(h.core.deps)).filter((x) => x.sink === 'late');
    expect(c).toMatchObject({ last_id: 0, failures: 1, last_error: 'network error: ECONNREFUSED' });
    const late = await startSyslogReceiver(undefined, port);
    try {
      h.clock.advance(1500);
      await s.drain();
      const head = await headId(h);
      await until(() => late.log.rows.at(-1)?.id === head);
      expect(ids(late.log.rows)).toEqual(range(1, head));
      expect(late.log.errors).toEqual([]);
      expect(late.bad).toEqual([]);
    } finally {
      await s.stop();
      await late.close();
    }
  });

  it('an HTTPS receiver that accepts and never answers is cut at timeout_ms and retried; the cursor stays', async () => {
    const held: Socket[] = [];
    const mute = createTlsServer(
      { cert: readFileSync(files.certFile), key: readFileSync(files.keyFile) },
      (sock) => {
        held.push(sock); // reads the request, never answers
        sock.on('error', () => {});
      },
    );
    await new Promise<void>((r) => mute.listen(0, '127.0.0.1', r));
    const port = (mute.address() as AddressInfo).port;
    try {
      const s = streamerFor(h, files, [
        { name: 'mute', url: `https://127.0.0.1:${port}/in`, timeout_ms: 300 },
      ]);
      const t0 = Date.now();
      await s.drain();
      expect(Date.now() - t0).toBeLessThan(5000);
      const [c] = (await siemCursors(h.core.deps)).filter((x) => x.sink === 'mute');
      expect(c).toMatchObject({ last_id: 0, failures: 1, last_error: 'network error: ETIMEDOUT' });
      await s.stop();
    } finally {
      for (const x of held) x.destroy();
      await new Promise<void>((r) => mute.close(() => r()));
    }
  });

  it('a TLS syslog receiver with a certificate the sink does not trust gets nothing; the cursor stays', async () => {
    const other = await serverTlsFiles('other');
    const s = streamerFor(h, other, [{ name: 'untrusted', url: tlsRx.url }]);
    const frames = tlsRx.frames;
    await s.drain();
    await s.stop();
    expect(tlsRx.frames).toBe(frames);
    const [c] = (await siemCursors(h.core.deps)).filter((x) => x.sink === 'untrusted');
    expect(c!.last_id).toBe(0);
    expect(c!.last_error).toMatch(/^network error: /);
  });
});
