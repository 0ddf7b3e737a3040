/**
 * kill -9 of jitsudod in the middle of load, then a restart on the same data: the audit chain
 * verifies, every acknowledged state change has its audit row, every request that reached the
 * database has the audit rows its state implies, and the sweeper takes back every grant once it
 * has expired (nothing stays APPROVED or ACTIVE past expiry). On PGlite always; on PostgreSQL when
 * TEST_DATABASE_URL is set.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/client.js';
import { openDatabase } from '../../src/core/db/client.js';
import { databaseUrl } from '../helpers/db.js';
import { type ServerProcess, startJitsudod, tempHome } from './support/processes.js';

const drivers = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
const GRANT_SECONDS = 3;

async function rows(db: { execute(q: string): unknown }, q: string): Promise<Record<string, unknown>[]> {
  const r = (await db.execute(q)) as unknown;
  return (Array.isArray(r) ? r : (r as { rows: Record<string, unknown>[] }).rows) as Record<
    string,
    unknown
  >[];
}

describe.each(drivers)('kill -9 mid-load on %s', (driver) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  });

  it('loses no committed audit row and leaves no grant unrevoked after expiry', {
    timeout: 300_000,
  }, async () => {
    const home = tempHome(`kill9-${driver}`);
    let dbUrl: string | undefined;
    if (driver === 'postgres') {
      const name = `jitsudo_kill9_${randomBytes(4).toString('hex')}`;
      const admin = postgres(process.env.TEST_DATABASE_URL!, { max: 1, onnotice: () => {} });
      await admin.unsafe(`create database ${name}`);
      await admin.end();
      dbUrl = databaseUrl(name);
      cleanups.push(async () => {
        const a = postgres(process.env.TEST_DATABASE_URL!, { max: 1, onnotice: () => {} });
        await a.unsafe(`drop database if exists ${name} with (force)`);
        await a.end();
      });
    }
    const configFile = join(home, 'jitsudo.yaml');
    writeFileSync(
      configFile,
      [
        'mode: dev',
        'auth: { mode: dev }',
        'providers: { mock: {} }',
        // A short lease: a grant claimed by the killed process is retried after 5 s, not 2 min.
        'sweeper: { interval_ms: 200, lease_seconds: 5, provider_timeout_seconds: 2 }',
        dbUrl ? `database: { url: "${dbUrl}" }` : '',
      ].join('\n'),
    );
    const start = () => startJitsudod({ home, args: ['--config', configFile] });

    let server: ServerProcess = await start();
    cleanups.push(() => server.stop().then(() => {}));
    const anon = createClient({ server: server.url });
    const tok = async (email: string, groups: string[] = []) =>
      (await anon.issueDevToken({ email, groups })).token;
    const alice = createClient({ server: server.url, token: await tok('alice@example.com', ['sre']) });
    const bob = createClient({ server: server.url, token: await tok('bob@example.com', ['sre-leads']) });

    // Load: workers create and approve short grants until the server dies under them.
    const created = new Set<string>();
    const approved = new Set<string>();
    let stop = false;
    let killed = false;
    const errors: string[] = [];
    let running = 0;
    const worker = async (n: number) => {
      running++;
      for (let i = 0; !stop; i++) {
        try {
          const r = await alice.createRequest({
            provider: 'mock',
            role: 'admin',
            resource_scope: `w${n}`,
            duration_seconds: GRANT_SECONDS,
            reason: `load ${n}/${i}`,
          });
          created.add(r.id);
          await bob.approveRequest(r.id);
          approved.add(r.id);
        } catch (e) {
          if (!killed) errors.push(String(e));
          break; // the server is gone
        }
      }
      running--;
    };
    const workers = Array.from({ length: 6 }, (_, n) => worker(n));
    while (approved.size < 20 && running > 0) await new Promise((r) => setTimeout(r, 50));
    expect(errors).toEqual([]);
    killed = true;
    await server.kill9();
    stop = true;
    await Promise.all(workers);
    expect(created.size).toBeGreaterThanOrEqual(20);

    // Restart on the same data (PGlite: the stale lock of the killed process must not block it).
    server = await start();
    const admin = createClient({
      server: server.url,
      token: (
        await createClient({ server: server.url }).issueDevToken({
          email: 'root@example.com',
          groups: ['jitsudo-admins'],
        })
      ).token,
    });
    const deadline = Date.now() + 90_000;
    let open: string[] = [];
    do {
      await new Promise((r) => setTimeout(r, 500));
      open = [];
      let page_token: string | undefined;
      do {
        const page = await admin.listRequests({ page_size: 500, page_token });
        for (const r of page.requests)
          if (r.state === 'APPROVED' || r.state === 'ACTIVE') open.push(`${r.id}:${r.state}`);
        page_token = page.next_page_token ?? undefined;
      } while (page_token);
    } while (open.length > 0 && Date.now() < deadline);
    expect(open).toEqual([]);
    // The restarted server verifies the whole chain (hash links and signed checkpoints).
    const report = await admin.verifyAudit();
    expect(report.first_broken).toBeNull();
    expect(report.ok).toBe(true);
    expect(await server.stop()).toBe(0);

    // Check the data itself.
    const opened = await openDatabase({ home, database: { url: dbUrl, pool_size: 2 } });
    cleanups.push(() => opened.close());

    const reqs = await rows(opened.db, 'select id, state, granted_at from requests');
    const audit = await rows(
      opened.db,
      'select request_id, action from audit_events where request_id is not null',
    );
    const actions = new Map<string, Set<string>>();
    for (const a of audit) {
      const id = String(a.request_id);
      if (!actions.has(id)) actions.set(id, new Set());
      actions.get(id)!.add(String(a.action));
    }
    const byId = new Map(reqs.map((r) => [String(r.id), r]));
    const problems: string[] = [];
    for (const id of created) if (!byId.has(id)) problems.push(`${id}: acknowledged create lost`);
    for (const id of approved)
      if (!actions.get(id)?.has('request.approved'))
        problems.push(`${id}: acknowledged approval has no audit row`);
    for (const r of reqs) {
      const id = String(r.id);
      const has = actions.get(id) ?? new Set();
      if (!has.has('request.created')) problems.push(`${id}: no request.created`);
      if (r.granted_at && !has.has('grant.issued')) problems.push(`${id}: granted without grant.issued`);
      if (r.state === 'EXPIRED' && r.granted_at && !has.has('grant.expired'))
        problems.push(`${id}: expired without grant.expired`);
      if (['ACTIVE', 'APPROVED'].includes(String(r.state))) problems.push(`${id}: still ${r.state}`);
    }
    expect(problems).toEqual([]);
    // Every approved request ended after its grant was taken back (or failed cleanly).
    for (const id of approved) expect(['EXPIRED', 'FAILED', 'REVOKED']).toContain(byId.get(id)?.state);
  });
});
