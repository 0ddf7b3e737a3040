/**
 * Outbox durability (issue 11 target): 1,000 undelivered events in the database, a real jitsudod
 * child process delivering them to a local deduplicating receiver, SIGKILLed mid-way, restarted →
 * every event delivered, none lost; duplicates (deliveries in flight at the kill, and claims that
 * came back after their lease) counted. `npm run bench:outbox:durability [events]`; PGlite in a
 * scratch home, or BENCH_OUTBOX_DATABASE_URL (a scratch PostgreSQL database: it is written to).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appendAuditMany } from '../src/core/audit/append-many.js';
import { loadConfig } from '../src/core/config.js';
import { loadOrCreateKeys } from '../src/core/crypto/secrets.js';
import { bindAuditMacKey } from '../src/core/db/audit-key.js';
import { migrate, openDatabase, withTx } from '../src/core/db/client.js';
import { startReceiver, until } from '../test/notify/receiver.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const N = Number(process.argv[2] ?? 1000);
const SECRET = 'durability-secret-0123456789';
const LEASE = 5;

async function main() {
  const rx = await startReceiver(SECRET);
  const home = mkdtempSync(join(tmpdir(), 'jitsudo-bench-outbox-'));
  const file = join(home, 'jitsudod.yaml');
  const dbUrl = process.env.BENCH_OUTBOX_DATABASE_URL;
  writeFileSync(
    file,
    JSON.stringify({
      ...(dbUrl ? { database: { url: dbUrl } } : {}),
      sweeper: { enabled: false },
      notifications: {
        poll_interval_ms: 50,
        lease_seconds: LEASE,
        webhooks: [{ name: 'rx', url: rx.url, secrets: [SECRET] }],
      },
    }),
  );
  const env = { ...process.env, JITSUDO_HOME: home, JITSUDOD_LOG_LEVEL: 'warn' } as Record<string, string>;
  for (const k of Object.keys(env))
    if (k.startsWith('JITSUDOD_') && k !== 'JITSUDOD_LOG_LEVEL') delete env[k];
  delete env.DATABASE_URL;

  // The events, written through the real audit append (outbox rows in the same transactions) before any worker runs.
  const config = loadConfig({
    file,
    env: { JITSUDO_HOME: home },
    overrides: { mode: 'dev', auth: { mode: 'dev' } },
  });
  const opened = await openDatabase(config);
  await migrate(opened.db);
  bindAuditMacKey(opened.db, loadOrCreateKeys(config).auditMacKeys[0]!);
  for (let i = 0; i < N; i += 100)
    await withTx(opened.db, (tx) =>
      appendAuditMany(
        tx,
        Array.from({ length: Math.min(100, N - i) }, (_, j) => ({
          actor: 'bench',
          action: 'request.created',
          outcome: 'success' as const,
          details: { i: i + j },
        })),
      ),
    );
  await opened.close();
  console.log(`${N} undelivered events written (${dbUrl ? 'postgres' : 'pglite'})`);

  const first = await serve(env, file);
  await until(() => rx.unique.size >= N * 0.3, '30 % delivered', 180_000);
  first.child.kill('SIGKILL');
  await new Promise((r) => first.child.once('exit', r));
  const atKill = rx.unique.size;
  console.log(`SIGKILL after ${atKill} delivered`);
  const t0 = performance.now();
  const second = await serve(env, file);
  await until(() => rx.unique.size >= N, 'all delivered after restart', 180_000);
  const seconds = (performance.now() - t0) / 1000;
  second.child.kill('SIGTERM');
  await new Promise((r) => second.child.once('exit', r));
  await rx.close();
  const ids = new Set([...rx.unique.values()].map((r) => r.body.data.details.i as number));
  console.log(
    `delivered ${rx.unique.size}/${N} distinct (lost ${N - ids.size}), duplicates ${rx.duplicates()}, bad signatures ${rx.badSignatures}; ` +
      `all delivered ${seconds.toFixed(1)} s after the restart began (lease ${LEASE} s)`,
  );
  if (ids.size !== N) process.exitCode = 1;
}

async function serve(env: Record<string, string>, file: string): Promise<{ child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin/jitsudod.js'), 'serve', '--dev', '--config', file, '--addr', '127.0.0.1:0'],
    {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (b: Buffer) => {
      out += b.toString();
      if (/listening on/.test(out)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`jitsudod exited with ${code}:\n${out}`)));
  });
  return { child };
}

await main();
