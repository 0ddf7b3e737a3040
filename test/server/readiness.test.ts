/**
 * GET /readyz (ADR 0053) on the app jitsudod serves (coreApp): 200 while the database answers and
 * the live policy set decides; 503 with a reason when the policy set cannot evaluate (a stored
 * module that compiles but conflicts on every input, loaded by a reload as another replica's write
 * would be) or the database is gone. /healthz stays 200 throughout: liveness is not readiness.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coreApp } from '../../src/server/core-app.js';
import { type Stack, startStack } from '../helpers/app-stack.js';
import { testDatabases } from '../helpers/db.js';

// Conflicts with the shipped eligibility module's max_duration_seconds for every input: compiles,
// fails at evaluation (eval_conflict_error) — the module test/http/policy-error.test.ts applies.
const ALWAYS_CONFLICTS = `package jitsudo.eligibility

max_duration_seconds := 7200
`;

describe.each(testDatabases())('readiness on %s', (driver) => {
  let s: Stack;
  let app: ReturnType<typeof coreApp>;
  let closing = false;
  const ready = async () => {
    const r = await app.request('/readyz');
    return { status: r.status, body: (await r.json()) as { status: string; error?: string } };
  };

  beforeAll(async () => {
    s = await startStack(driver);
    app = coreApp(s.core, pino({ level: 'silent' }), { closing: () => closing });
  }, 120_000);
  afterAll(() => s?.close());

  it('ready with the shipped policies and a live database', async () => {
    expect(await ready()).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('503 "policy set cannot evaluate" once the live set fails its trial inputs; ready again when fixed', async () => {
    // Written straight into the store (policy apply would refuse it), then picked up by a reload.
    await s.rows(
      `insert into policies (id, name, package, rego)
       values ('pol_broken', 'eligibility.broken', 'jitsudo.eligibility', $rego$${ALWAYS_CONFLICTS}$rego$)`,
    );
    await s.core.deps.policies.reload();
    expect(await ready()).toEqual({
      status: 503,
      body: { status: 'unavailable', error: 'policy set cannot evaluate' },
    });
    expect((await app.request('/healthz')).status).toBe(200);
    await s.rows(`delete from policies where name = 'eligibility.broken'`);
    await s.core.deps.policies.reload();
    expect((await ready()).status).toBe(200);
  });

  it('503 "shutting down" once shutdown began', async () => {
    closing = true;
    try {
      expect(await ready()).toEqual({ status: 503, body: { status: 'unavailable', error: 'shutting down' } });
    } finally {
      closing = false;
    }
  });

  it('503 "database unavailable" when the database is gone; /healthz still 200', async () => {
    await s.db.close();
    expect(await ready()).toEqual({
      status: 503,
      body: { status: 'unavailable', error: 'database unavailable' },
    });
    expect((await app.request('/healthz')).status).toBe(200);
  });
});
