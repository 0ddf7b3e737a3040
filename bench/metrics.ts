/**
 * `npm run bench:metrics` — what a /metrics scrape costs the database (ADR 0053). Fills `requests`
 * with N rows (a realistic mix of states, most of them ended) and `audit_events`' head, then times
 * one recount of the database-derived gauges (readOperationalCounts) and one full render (with the
 * recount forced), against a floor of `select 1` round trips on the same connection. PGlite always;
 * PostgreSQL too when TEST_DATABASE_URL is set. The recount runs at most every
 * metrics.refresh_seconds whatever the scrape rate, so this is the cost per refresh interval.
 */
import { sql } from 'drizzle-orm';
import { readOperationalCounts } from '../src/core/db/metrics-repo.js';
import { createMetrics } from '../src/server/metrics/exporter.js';
import { createTestDb } from '../test/helpers/db.js';

const SIZES = [1_000, 100_000];
const RUNS = 15;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function time(fn: () => Promise<unknown>): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return median(ms);
}

const drivers = process.env.TEST_DATABASE_URL ? (['pglite', 'postgres'] as const) : (['pglite'] as const);
for (const driver of drivers) {
  for (const n of SIZES) {
    const t = await createTestDb(driver);
    try {
      await t.db.execute(
        sql.raw(`insert into requests (id, state, requester_identity, provider, role, duration_seconds, approver_tier, expires_at, next_attempt_at)
        select 'req_bench' || g,
          (array['EXPIRED','EXPIRED','EXPIRED','REVOKED','REJECTED','ACTIVE','PENDING','APPROVED'])[1 + g % 8],
          'user' || (g % 97) || '@example.com',
          (array['aws','gcp','mock'])[1 + g % 3], 'admin', 3600,
          (array['auto','human','ai_review'])[1 + g % 3],
          now() + interval '1 hour', now() + interval '1 hour'
        from generate_series(1, ${n}) g`),
      );
      const now = new Date();
      const floor = await time(() => t.db.execute(sql`select 1`));
      const recount = await time(() => readOperationalCounts(t.db, now));
      const m = createMetrics({ db: t.db, driver, now: () => new Date(), refreshSeconds: 0 });
      const render = await time(() => m.endpoint.render());
      console.log(
        `${driver.padEnd(8)} requests=${String(n).padStart(7)}  select-1 floor ${floor.toFixed(2)} ms  recount ${recount.toFixed(2)} ms (${(recount / floor).toFixed(1)}× floor)  render ${render.toFixed(2)} ms (${(render / floor).toFixed(1)}× floor)`,
      );
    } finally {
      await t.close();
    }
  }
}
