import { describe, expect, it } from 'vitest';
import { brokenAuditRow } from '../../helpers/audit-chain.js';
import { testDatabases } from '../../helpers/db.js';
import { setTier } from '../../helpers/principals.js';
import {
  agent,
  appError,
  auditActions,
  auditRows,
  countRows,
  human,
  storedCredentials,
  uniq,
  useHarness,
} from './fixtures.js';

describe.each(testDatabases())('request lifecycle on %s', (driver) => {
  const h = useHarness(driver);

  it('human tier: PENDING → approved by another human → ACTIVE → credentials → early release → REVOKED', async () => {
    const alice = human(uniq('alice'), ['sre']);
    const bob = human(uniq('bob'));
    const created = await h.ask(alice, {
      resource_scope: 'prod',
      duration: '30m',
      reason: 'INC-1 investigating',
      metadata: { ticket: 'INC-1' },
    });
    expect(created).toMatchObject({
      state: 'PENDING',
      approver_tier: 'human',
      duration_seconds: 1800,
      requester: { identity: alice.identity, kind: 'human' },
      metadata: { ticket: 'INC-1' },
      approvals: [],
    });
    expect(created.pending_expires_at).toBe(new Date(h.clock.t + 86_400_000).toISOString());
    expect(h.mock.holds(created.id)).toBe(false);

    const approved = await h.core.approveRequest(bob, { id: created.id, comment: 'go ahead' });
    expect(approved.state).toBe('ACTIVE');
    expect(approved.expires_at).toBe(new Date(h.clock.t + 1_800_000).toISOString());
    expect(approved.approvals).toMatchObject([
      { approver: bob.identity, decision: 'approved', comment: 'go ahead' },
    ]);
    expect(h.mock.holds(created.id)).toBe(true);
    expect(JSON.stringify(approved)).not.toContain('mock-access-key');

    // The blob at rest is encrypted: no credential value in the column.
    const blob = await storedCredentials(h.db, created.id);
    expect(blob).toMatch(/^v1\./);
    expect(blob).not.toContain('mock-access-key');

    const grant = await h.core.getCredentials(alice, { id: created.id });
    expect(grant.credentials).toEqual({
      MOCK_ACCESS_KEY: `mock-access-key-${created.id}`,
      MOCK_SESSION_TOKEN: `mock-session-token-${created.id}`,
    });
    expect((await appError(h.core.getCredentials(bob, { id: created.id }))).code).toBe('FORBIDDEN');

    const revoked = await h.core.revokeRequest(alice, { id: created.id, reason: 'done' });
    expect(revoked).toMatchObject({ state: 'REVOKED', end_reason: 'revoked' });
    expect(h.mock.holds(created.id)).toBe(false);
    expect(await storedCredentials(h.db, created.id)).toBeNull();
    expect((await appError(h.core.getCredentials(alice, { id: created.id }))).code).toBe('CONFLICT');
    // Revoking again is idempotent and writes nothing more.
    expect((await h.core.revokeRequest(alice, { id: created.id })).state).toBe('REVOKED');

    expect(await auditActions(h.db, created.id)).toEqual([
      'request.created',
      'request.approved',
      'grant.issued',
      'credentials.retrieved',
      'request.revoke_requested',
      'grant.revoked',
    ]);
    const rows = await auditRows(h.db, created.id);
    expect(JSON.stringify(rows)).not.toContain('mock-access-key');
    expect(JSON.stringify(rows)).not.toContain('mock-session-token');
    expect(rows.find((r) => r.action === 'credentials.retrieved')!.details).toMatchObject({
      names: ['MOCK_ACCESS_KEY', 'MOCK_SESSION_TOKEN'],
    });
    expect(await brokenAuditRow(h.db)).toBeNull();
  });

  it('auto tier: a trusted principal asking for a read-only role is ACTIVE at once', async () => {
    const carol = human(uniq('carol'));
    await setTier(h.db, carol.identity, 3);
    const r = await h.ask(carol, { role: 'ReadOnly', reason: 'look' });
    expect(r).toMatchObject({ state: 'ACTIVE', approver_tier: 'auto', duration_seconds: 3600 });
    expect(r.approvals).toMatchObject([{ approver: 'policy', decision: 'approved' }]);
    expect(await auditActions(h.db, r.id)).toEqual([
      'request.created',
      'request.auto_approved',
      'grant.issued',
    ]);
    expect(await brokenAuditRow(h.db)).toBeNull();
  });

  it('ai_review tier: an agent asking to write waits for an AI reviewer, who may approve', async () => {
    const owner = uniq('owner');
    const bot = agent(uniq('bot'), owner, ['sre']);
    const reviewer = agent(uniq('reviewer'), uniq('rev-owner'), [], ['ai-reviewer']);
    const r = await h.ask(bot, { role: 'deployer', reason: 'deploy v2' });
    expect(r).toMatchObject({ state: 'PENDING', approver_tier: 'ai_review' });
    expect(r.requester.agent).toMatchObject({ name: bot.agent!.name, owner });
    // The owner of the agent must not approve its request.
    expect((await appError(h.core.approveRequest(human(owner), { id: r.id }))).code).toBe('FORBIDDEN');
    const a = await h.core.approveRequest(reviewer, {
      id: r.id,
      comment: 'low risk',
      reasoning: { risk: 'low' },
    });
    expect(a.state).toBe('ACTIVE');
    expect(a.approvals[0]).toMatchObject({
      approver: reviewer.identity,
      approver_kind: 'agent',
      reasoning: { risk: 'low' },
    });
    // The owner's attempt is audited as refused (ADR 0047).
    expect(await auditActions(h.db, r.id)).toEqual([
      'request.created',
      'request.decision_refused',
      'request.approved',
      'grant.issued',
    ]);
  });

  it('an AI reviewer may escalate to humans and then may no longer decide', async () => {
    const bot = agent(uniq('bot'), uniq('owner'), ['sre']);
    const reviewer = agent(uniq('reviewer'), uniq('rev-owner'), [], ['ai-reviewer']);
    const r = await h.ask(bot, { role: 'deployer', reason: 'deploy' });
    const e = await h.core.escalateRequest(reviewer, { id: r.id, comment: 'needs a human' });
    expect(e).toMatchObject({ state: 'PENDING', approver_tier: 'human' });
    expect(e.approvals).toMatchObject([{ decision: 'escalated', comment: 'needs a human' }]);
    expect((await appError(h.core.approveRequest(reviewer, { id: r.id }))).code).toBe('FORBIDDEN');
    expect((await appError(h.core.escalateRequest(reviewer, { id: r.id }))).code).toBe('CONFLICT');
    expect((await h.core.approveRequest(human(uniq('dave')), { id: r.id })).state).toBe('ACTIVE');
    // Its approval on the human tier is audited as refused; the second escalation (a state conflict) is not.
    expect(await auditActions(h.db, r.id)).toEqual([
      'request.created',
      'request.escalated',
      'request.decision_refused',
      'request.approved',
      'grant.issued',
    ]);
  });

  it('agents without the ai-reviewer right and humans who are not admins cannot escalate', async () => {
    const bot = agent(uniq('bot'), uniq('owner'), ['sre']);
    const r = await h.ask(bot, { role: 'deployer', reason: 'deploy' });
    expect((await appError(h.core.escalateRequest(human(uniq('x')), { id: r.id }))).code).toBe('FORBIDDEN');
    expect((await appError(h.core.approveRequest(agent(uniq('other'), uniq('o')), { id: r.id }))).code).toBe(
      'FORBIDDEN',
    );
    expect(await auditActions(h.db, r.id)).toEqual(['request.created']);
  });

  it('break-glass: eligibility still decides; a tier-4 principal skips approval with a loud audit', async () => {
    const ops = human(uniq('ops'));
    await setTier(h.db, ops.identity, 4);
    const r = await h.ask(ops, { reason: 'outage', break_glass: true });
    expect(r).toMatchObject({ state: 'ACTIVE', break_glass: true });
    expect(await auditActions(h.db, r.id)).toEqual(['request.created', 'break_glass.used', 'grant.issued']);
    const bg = (await auditRows(h.db, r.id)).find((x) => x.action === 'break_glass.used')!;
    expect(bg.details).toMatchObject({ alert: true, reason: 'outage' });

    const low = human(uniq('low'), ['sre']);
    const e = await appError(h.ask(low, { break_glass: true }));
    expect(e.code).toBe('POLICY_DENIED');
    expect(e.message).toContain('break-glass requires trust tier 4');
    expect(e.details).toMatchObject({
      reasons: ['break-glass requires trust tier 4 (this principal has tier 0)'],
    });
    expect(await countRows(h.db, low.identity)).toBe(0);
  });

  it('an eligibility denial returns the reasons, creates nothing and is audited', async () => {
    const eve = human(uniq('eve'));
    const e = await appError(h.ask(eve, { resource_scope: 'prod' }));
    expect(e.code).toBe('POLICY_DENIED');
    expect(e.details?.reasons).toEqual([`no eligibility rule grants role admin to ${eve.identity}`]);
    expect(await countRows(h.db, eve.identity)).toBe(0);
    const mine = await h.core.listRequests(eve, {});
    expect(mine.requests).toEqual([]);
    const { queryAuditRecords } = await import('../../../src/core/db/audit-repo.js');
    const [row] = await queryAuditRecords(h.db, { actor: eve.identity, limit: 5 });
    expect(row).toMatchObject({
      action: 'request.denied_by_policy',
      outcome: 'denied',
      provider: 'mock',
      resource_scope: 'prod',
    });
    expect(await brokenAuditRow(h.db)).toBeNull();
  });

  it('nobody approves or denies their own request', async () => {
    const alice = human(uniq('alice'), ['sre']);
    const r = await h.ask(alice);
    for (const call of [
      () => h.core.approveRequest(alice, { id: r.id }),
      () => h.core.denyRequest(alice, { id: r.id, reason: 'no' }),
    ]) {
      const e = await appError(call());
      expect(e.code).toBe('FORBIDDEN');
      expect(e.message).toMatch(/your own request/);
    }
    expect((await h.core.getRequest(alice, { id: r.id })).state).toBe('PENDING');
    // Each refusal is audited, and nothing else is written (ADR 0047).
    expect(await auditActions(h.db, r.id)).toEqual([
      'request.created',
      'request.decision_refused',
      'request.decision_refused',
    ]);
    const rows = await auditRows(h.db, r.id);
    expect(rows[1]!.details).toMatchObject({ attempted: 'approve', code: 'FORBIDDEN' });
    expect(rows[2]!.details).toMatchObject({ attempted: 'deny', code: 'FORBIDDEN' });
    expect(rows[2]!.details.reason).toMatch(/your own request/);
    expect(await brokenAuditRow(h.db)).toBeNull();
  });

  it('deny records the reason; the request is REJECTED and cannot be approved afterwards', async () => {
    const alice = human(uniq('alice'), ['sre']);
    const bob = human(uniq('bob'));
    const r = await h.ask(alice);
    expect((await appError(h.core.denyRequest(bob, { id: r.id, reason: '  ' }))).code).toBe('VALIDATION');
    const d = await h.core.denyRequest(bob, { id: r.id, reason: 'not during the freeze' });
    expect(d).toMatchObject({
      state: 'REJECTED',
      approvals: [{ decision: 'denied', comment: 'not during the freeze' }],
    });
    // Someone who took no part finds it missing, as getRequest does; an admin, who sees it, learns why.
    expect((await appError(h.core.approveRequest(human(uniq('carol')), { id: r.id }))).code).toBe(
      'NOT_FOUND',
    );
    const e = await appError(h.core.approveRequest(human(uniq('root'), [], true), { id: r.id }));
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toContain('REJECTED');
    expect((await appError(h.core.denyRequest(bob, { id: r.id, reason: 'again' }))).code).toBe('CONFLICT');
    // The requester sees the decision.
    expect((await h.core.getRequest(alice, { id: r.id })).approvals[0]!.comment).toBe(
      'not during the freeze',
    );
    expect(await auditActions(h.db, r.id)).toEqual(['request.created', 'request.denied']);
  });

  it('cancel: only the requester, only while PENDING', async () => {
    const alice = human(uniq('alice'), ['sre']);
    const bob = human(uniq('bob'));
    const r = await h.ask(alice);
    expect((await appError(h.core.cancelRequest(bob, { id: r.id }))).code).toBe('FORBIDDEN');
    expect((await appError(h.core.cancelRequest(human(uniq('admin'), [], true), { id: r.id }))).code).toBe(
      'FORBIDDEN',
    );
    const c = await h.core.cancelRequest(alice, { id: r.id, reason: 'not needed' });
    expect(c).toMatchObject({ state: 'CANCELLED', end_reason: 'cancelled' });
    expect((await appError(h.core.cancelRequest(alice, { id: r.id }))).code).toBe('CONFLICT');
    expect(await auditActions(h.db, r.id)).toEqual(['request.created', 'request.cancelled']);
  });

  it('revoke: admins may revoke anything, others nothing that is not theirs; wrong states are CONFLICT', async () => {
    const alice = human(uniq('alice'), ['sre']);
    const bob = human(uniq('bob'));
    const admin = human(uniq('admin'), ['jitsudo-admins'], true);
    const r = await h.ask(alice);
    const e1 = await appError(h.core.revokeRequest(alice, { id: r.id }));
    expect(e1.code).toBe('CONFLICT');
    expect(e1.message).toMatch(/PENDING; cancel or deny/);
    await h.core.approveRequest(bob, { id: r.id });
    // bob approved it, so he can see it, but revoking is not his to do.
    expect((await appError(h.core.revokeRequest(bob, { id: r.id }))).code).toBe('FORBIDDEN');
    expect((await appError(h.core.revokeRequest(human(uniq('zed')), { id: r.id }))).code).toBe('NOT_FOUND');
    const v = await h.core.revokeRequest(admin, { id: r.id, reason: 'policy violation' });
    expect(v.state).toBe('REVOKED');
    const rows = await auditRows(h.db, r.id);
    expect(rows.find((x) => x.action === 'request.revoke_requested')).toMatchObject({
      actor: admin.identity,
      details: { by_admin: true, reason: 'policy violation' },
    });
  });

  it('reads are scoped: strangers get NOT_FOUND, admins see everything', async () => {
    const alice = human(uniq('alice'), ['sre']);
    const r = await h.ask(alice);
    const stranger = agent(uniq('s'), uniq('o'));
    expect((await appError(h.core.getRequest(stranger, { id: r.id }))).code).toBe('NOT_FOUND');
    expect((await appError(h.core.getRequest(alice, { id: 'req_01J9Z7X3R4T5V6W7X8Y9Z0ABCD' }))).code).toBe(
      'NOT_FOUND',
    );
    expect((await appError(h.core.getRequest(alice, { id: '../etc/passwd' }))).code).toBe('NOT_FOUND');
    expect((await h.core.getRequest(human(uniq('a'), [], true), { id: r.id })).id).toBe(r.id);
    // A human who may approve sees it while it is PENDING.
    expect((await h.core.getRequest(human(uniq('b')), { id: r.id })).id).toBe(r.id);
  });

  it('rejects bad input with a clear VALIDATION error and creates nothing', async () => {
    const alice = human(uniq('alice'), ['sre']);
    const base = { provider: 'mock', resource_scope: 'dev', role: 'admin', reason: 'x' };
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...base, duration: '-5m' }, /positive/],
      [{ ...base, duration: '0' }, /greater than zero/],
      [{ ...base, duration: '99d' }, /exceeds the maximum/],
      [{ ...base, duration: 'soon' }, /invalid duration/],
      [{ ...base, duration: '1h', duration_seconds: 3600 }, /not both/],
      [{ ...base, provider: 'nope' }, /unknown provider "nope"; configured: mock/],
      [{ ...base, reason: 'x'.repeat(1024 * 1024) }, /reason is longer than 4096/],
      [{ ...base, reason: '   ' }, /reason is required/],
      [{ ...base, role: 'has space' }, /mock: role/],
      [{ ...base, role: 42 }, /invalid role/],
      [{ ...base, extra: true }, /extra/],
      [{ ...base, metadata: { a: 1 } }, /invalid metadata/],
      [{}, /invalid provider/],
    ];
    for (const [input, msg] of cases) {
      const e = await appError(h.core.createRequest(alice, input));
      expect(e.code, JSON.stringify(input).slice(0, 80)).toBe('VALIDATION');
      expect(e.message).toMatch(msg);
      expect(e.message.length).toBeLessThan(300);
    }
    expect(await countRows(h.db, alice.identity)).toBe(0);
    const noRight = { ...alice, scopes: [] };
    expect((await appError(h.core.createRequest(noRight, base))).code).toBe('FORBIDDEN');
  });
});
