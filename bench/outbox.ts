/**
 * Outbox delivery lag (ADR 0046): events appended through the real audit path (which writes the
 * outbox row in the same transaction) at a steady rate, a running OutboxWorker delivering them to a
 * local deduplicating receiver; lag = receipt − commit. Floor: a direct signed HTTP POST of the same
 * body to the same receiver, timed in the same run. `npm run bench:outbox [events] [rate/s] [poll ms, default 20]`.
 */
import pino from 'pino';
import { appendAudit } from '../src/core/audit/append.js';
import { parseConfig } from '../src/core/config.js';
import { deriveServerKeys } from '../src/core/crypto/secrets.js';
import { bindAuditMacKey } from '../src/core/db/audit-key.js';
import { migrate, openDatabase } from '../src/core/db/client.js';
import type { CoreDeps } from '../src/core/deps.js';
import { configuredSinks, OutboxWorker } from '../src/notify/index.js';
import { signatureHeader } from '../src/notify/signature.js';
import { startReceiver, until } from '../test/notify/receiver.js';

const N = Number(process.argv[2] ?? 1000);
const RATE = Number(process.argv[3] ?? 200);
const POLL_MS = Number(process.argv[4] ?? 20);
const SECRET = 'bench-secret-0123456789abcdef';

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;

async function main() {
  const rx = await startReceiver();
  // A scratch PostgreSQL database (it is migrated and written to); PGlite in memory otherwise.
  const url = process.env.BENCH_OUTBOX_DATABASE_URL;
  const config = parseConfig({
    home: '/tmp/jitsudo-bench-outbox',
    log: { level: 'silent' },
    database: { url: url ?? 'memory://' },
    notifications: { poll_interval_ms: POLL_MS, webhooks: [{ name: 'rx', url: rx.url, secrets: [SECRET] }] },
  });
  const opened = await openDatabase(config);
  await migrate(opened.db);
  bindAuditMacKey(opened.db, deriveServerKeys(Buffer.alloc(32, 7)).auditMacKeys[0]!);
  const deps = {
    db: opened.db,
    driver: opened.driver,
    config,
    now: () => new Date(),
    log: pino({ level: 'silent' }),
  } as unknown as CoreDeps;

  // Floor: direct POSTs of a similar body, one at a time.
  const floor: number[] = [];
  for (let i = 0; i < 200; i++) {
    const body = JSON.stringify({ id: `evt_floor_${i}`, type: 'request.created', data: { i } });
    const t0 = performance.now();
    const res = await fetch(rx.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-jitsudo-event-id': `evt_floor_${i}`,
        'x-jitsudo-signature-256': signatureHeader(body, Math.floor(Date.now() / 1000), [SECRET]),
      },
      body,
    });
    await res.body?.cancel();
    floor.push(performance.now() - t0);
  }
  rx.all.length = 0;
  rx.unique.clear();
  rx.okCount = 0;

  const worker = new OutboxWorker(deps, configuredSinks(deps));
  worker.start();
  const committed = new Map<number, number>();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const due = t0 + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    await appendAudit(opened.db, {
      actor: 'bench',
      action: 'request.created',
      outcome: 'success',
      details: { i },
    });
    committed.set(i, performance.now());
  }
  const insertSeconds = (performance.now() - t0) / 1000;
  await until(() => rx.unique.size >= N, 'all delivered', 120_000);
  const lags = [...rx.unique.values()].map((r) => r.at - committed.get(r.body.data.details.i as number)!);
  await worker.stop();
  await opened.close();
  await rx.close();
  const f50 = pct(floor, 50);
  const f99 = pct(floor, 99);
  const l50 = pct(lags, 50);
  const l99 = pct(lags, 99);
  console.log(
    `driver ${opened.driver}, ${N} events at ${RATE}/s (appended in ${insertSeconds.toFixed(1)} s), poll_interval_ms ${POLL_MS}`,
  );
  console.log(`floor (direct POST): p50 ${f50.toFixed(2)} ms, p99 ${f99.toFixed(2)} ms`);
  console.log(
    `outbox lag:          p50 ${l50.toFixed(2)} ms, p99 ${l99.toFixed(2)} ms  (ratio p50 ${(l50 / f50).toFixed(1)}×, p99 ${(l99 / f99).toFixed(1)}×)`,
  );
  console.log(`delivered ${rx.unique.size}, duplicates ${rx.duplicates()}`);
}

await main();
