/**
 * A policy that cannot be evaluated fails closed with POLICY_ERROR (503) on every surface that
 * decides, naming the module and rule but never the input; the refusal is audited as
 * `policy.error` and logged. `policy apply` refuses a set that fails on its trial inputs.
 */
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlRows } from '../../src/core/db/client.js';
import { testDatabases } from '../helpers/db.js';
import { type Harness, startHarness } from './support/harness.js';

const P = '/api/v1alpha1';
const SECRET = 'tok-9f8e7d6c5b4a-do-not-log';

// Two complete rules that disagree, but only for role "boom": no trial input uses it, so apply
// accepts the module and the conflict surfaces at decision time.
const BOOM = `package jitsudo.eligibility

reason := "first" if input.request.role == "boom"

reason := "second" if input.request.role == "boom"
`;

// Conflicts for every input: apply must refuse it.
const ALWAYS = `package jitsudo.eligibility

max_duration_seconds := 7200
`;

// Approval that runs out of budget for role "slow" (the bounded integer product), only then.
const SLOW_APPROVAL = `package jitsudo.approval

deny contains "slow" if {
	input.request.role == "deployer"
	input.context.requester.email == "bob-slow@example.com"
	product([bits.lsh(1, 4000) | some i in numbers.range(1, 1000)]) > 0
}
`;

describe.each(testDatabases())('policy evaluation errors on %s', (driver) => {
  let h: Harness;
  let admin: string;
  const lines: Record<string, unknown>[] = [];
  const log = pino(
    { level: 'info' },
    { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) },
  );
  const events = async (action: string) =>
    sqlRows<{ actor: string; outcome: string; details: string; request_id: string | null }>(
      h.db.db,
      sql`select actor, outcome, details, request_id from audit_events where action = ${action} order by id`,
    );

  beforeAll(async () => {
    h = await startHarness(driver, { log });
    admin = await h.token('root@example.com', ['jitsudo-admins']);
  });
  afterAll(() => h?.close());

  it('policy apply refuses a set that conflicts on the trial inputs, naming module and rule; nothing is written', async () => {
    const before = await h.counts();
    const r = await h.call('POST', `${P}/policies`, {
      token: admin,
      body: { name: 'eligibility.always', rego: ALWAYS },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('VALIDATION');
    expect(r.body.error.message).toContain('would fail to evaluate eligibility');
    expect(r.body.error.message).toContain('eval_conflict_error');
    expect(r.body.error.details).toMatchObject({
      module: expect.stringMatching(/eligibility/),
      rule: 'data.jitsudo.eligibility.max_duration_seconds',
      code: 'eval_conflict_error',
    });
    expect(await h.counts()).toEqual(before);
  });

  it('a request whose eligibility errors gets 503 POLICY_ERROR (not 500), audited as policy.error and logged', async () => {
    const applied = await h.call('POST', `${P}/policies`, {
      token: admin,
      body: { name: 'eligibility.boom', rego: BOOM },
    });
    expect(applied.status).toBe(200);
    const bob = await h.token('bob@example.com', ['sre']);
    const before = await h.counts();
    const r = await h.call('POST', `${P}/requests`, {
      token: bob,
      body: { provider: 'mock', role: 'boom', resource_scope: 'dev', reason: `ticket ${SECRET}` },
    });
    expect(r.status).toBe(503);
    expect(r.body.error.code).toBe('POLICY_ERROR');
    expect(r.body.error.message).toContain('module eligibility.boom.rego');
    expect(r.body.error.message).toContain('rule data.jitsudo.eligibility.reason');
    expect(r.body.error.message).toContain('eval_conflict_error');
    expect(JSON.stringify(r.body)).not.toContain(SECRET);
    // Nothing but the audit event: no request row, no approval.
    const after = await h.counts();
    expect(after).toEqual({ ...before, audit_events: before.audit_events + 1 });
    const [e] = (await events('policy.error')).slice(-1);
    expect(e).toMatchObject({ actor: 'bob@example.com', outcome: 'error' });
    const details = JSON.parse(e!.details);
    expect(details).toMatchObject({
      stage: 'eligibility',
      module: 'eligibility.boom.rego',
      rule: 'data.jitsudo.eligibility.reason',
      code: 'eval_conflict_error',
      role: 'boom',
    });
    expect(e!.details).not.toContain(SECRET);
    const line = lines.find((l) => l.msg === 'policy evaluation failed: decision refused');
    expect(line).toMatchObject({ level: 50, stage: 'eligibility', actor: 'bob@example.com' });
    expect(JSON.stringify(lines)).not.toContain(SECRET);
    const del = await h.call('DELETE', `${P}/policies/eligibility.boom`, { token: admin });
    expect(del.status).toBe(200);
  });

  it('an approval whose policy runs out of budget is refused with 503 and audited', async () => {
    const applied = await h.call('POST', `${P}/policies`, {
      token: admin,
      body: { name: 'approval.slow', rego: SLOW_APPROVAL },
    });
    expect(applied.status).toBe(200);
    const bob = await h.token('bob-slow@example.com', ['sre']);
    const carol = await h.token('carol@example.com', ['sre-leads']);
    const created = await h.call('POST', `${P}/requests`, {
      token: bob,
      body: { provider: 'mock', role: 'deployer', resource_scope: 'dev', reason: 'deploy' },
    });
    expect(created.status).toBe(201);
    const id = created.body.request.id as string;
    const r = await h.call('POST', `${P}/requests/${id}/approve`, { token: carol, body: {} });
    expect(r.status).toBe(503);
    expect(r.body.error.code).toBe('POLICY_ERROR');
    expect(r.body.error.message).toContain('rule data.jitsudo.approval.deny');
    expect(r.body.error.message).toContain('integer exceeds the limit');
    const [e] = (await events('policy.error')).slice(-1);
    expect(e).toMatchObject({ actor: 'carol@example.com', outcome: 'error', request_id: id });
    expect(JSON.parse(e!.details)).toMatchObject({ stage: 'approval', attempted: 'approve' });
    const still = await h.call('GET', `${P}/requests/${id}`, { token: bob });
    expect(still.body.request.state).toBe('PENDING');
  });
});
