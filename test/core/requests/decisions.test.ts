import { describe, expect, it } from 'vitest';
import { brokenAuditRow } from '../../helpers/audit-chain.js';
import { testDatabases } from '../../helpers/db.js';
import { agent, auditRows, human, uniq, useHarness } from './fixtures.js';

// approve, deny and escalate write their decision through one helper (recordDecision): these pin
// what each one's audit row says, so the verbs cannot drift apart or lose a field.
describe.each(testDatabases())('decision audit rows on %s', (driver) => {
  const h = useHarness(driver);
  const ask = () => h.ask(human(uniq('alice'), ['sre']));

  it('approve: comment, tier and deciding modules; the approval row matches', async () => {
    const bob = human(uniq('bob'));
    const r = await ask();
    const a = await h.core.approveRequest(bob, { id: r.id, comment: 'go ahead' });
    expect(a.approvals).toMatchObject([
      { approver: bob.identity, decision: 'approved', comment: 'go ahead' },
    ]);
    const row = (await auditRows(h.db, r.id)).find((x) => x.action === 'request.approved');
    expect(row).toMatchObject({
      actor: bob.identity,
      actor_kind: 'human',
      outcome: 'success',
      provider: 'mock',
    });
    expect(row!.details).toEqual({
      comment: 'go ahead',
      approver_tier: 'human',
      decided_by: ['test'],
      approvals: 1,
      approvals_required: 1,
    });
    expect(await brokenAuditRow(h.db)).toBeNull();
  });

  it('deny: the reason as comment, with tier and deciding modules', async () => {
    const bob = human(uniq('bob'));
    const r = await ask();
    await h.core.denyRequest(bob, { id: r.id, reason: 'not during the freeze' });
    const row = (await auditRows(h.db, r.id)).find((x) => x.action === 'request.denied');
    expect(row).toMatchObject({ actor: bob.identity, outcome: 'success', resource_scope: 'dev' });
    expect(row!.details).toEqual({
      comment: 'not during the freeze',
      approver_tier: 'human',
      decided_by: ['test'],
    });
  });

  it('escalate: from and to, the comment, and the agent reasoning', async () => {
    const bot = agent(uniq('bot'), uniq('owner'), ['sre']);
    const reviewerOwner = uniq('rev-owner');
    const reviewer = agent(uniq('reviewer'), reviewerOwner, [], ['ai-reviewer']);
    const r = await h.ask(bot, { role: 'deployer', reason: 'deploy' });
    const e = await h.core.escalateRequest(reviewer, { id: r.id, comment: 'needs a human' });
    expect(e.approvals).toMatchObject([
      { decision: 'escalated', comment: 'needs a human', reasoning: { text: 'needs a human' } },
    ]);
    const row = (await auditRows(h.db, r.id)).find((x) => x.action === 'request.escalated');
    expect(row).toMatchObject({ actor: reviewer.identity, actor_kind: 'agent', on_behalf_of: reviewerOwner });
    expect(row!.details).toEqual({
      from: 'ai_review',
      to: 'human',
      comment: 'needs a human',
      reasoning: { text: 'needs a human' },
    });
    expect(await brokenAuditRow(h.db)).toBeNull();
  });
});
