/**
 * Security issue 9, items 5–7: trust tiers belong to a registered agent's id (no squatting on a
 * name), separation of duties covers everyone who controls an agent (owner and creator), and
 * revoking an agent ends what it still has open. Real core, real database, real MCP client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/core/actor.js';
import { agentActor } from '../../../src/core/agents/view.js';
import { findAgent } from '../../../src/core/db/agents-repo.js';
import { brokenAuditRow } from '../../helpers/audit-chain.js';
import { testDatabases } from '../../helpers/db.js';
import { type McpHarness, startMcpHarness } from '../../mcp/support/harness.js';

const person = (identity: string, isAdmin = false): Actor => ({
  identity,
  kind: 'human',
  groups: isAdmin ? ['jitsudo-admins'] : [],
  scopes: isAdmin ? ['requester', 'admin'] : ['requester'],
  isAdmin,
});
const root = person('root@example.com', true);
const ann = person('ann@example.com', true);
const ops = person('ops@example.com', true);
const alice = person('alice@example.com');
const mallory = person('mallory@example.com');

type Json = any;

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code: string; message: string };
  }
  throw new Error('expected the call to be refused');
}

describe.each(testDatabases())('agent controllers, tier keys and revocation on %s', (driver) => {
  let h: McpHarness;
  beforeAll(async () => {
    h = await startMcpHarness(driver);
  }, 300_000); // migrated database, policy compile and app: slow on a loaded machine
  afterAll(() => h?.close());

  /** Registers an agent as `by` and returns its production Actor and token. */
  async function register(by: Actor, name: string, owner: string, scopes = ['requester']) {
    const { agent, token } = await h.core.createAgent(by, { name, owner, scopes });
    const row = (await findAgent(h.db.db, { id: agent.id }))!;
    return { actor: agentActor(row), token, id: agent.id };
  }
  const ask = (a: Actor, o: Record<string, unknown> = {}) =>
    h.core.createRequest(a, {
      provider: 'mock',
      role: 'deployer',
      resource_scope: 'dev',
      duration: '30m',
      reason: 'controllers test',
      ...o,
    });
  const why = { comment: 'looks fine', reasoning: { text: 'looks fine' } };
  const tierOf = async (a: Actor) => (await h.core.listEligibleAccess(a, {})).trust_tier;
  const state = async (id: string) =>
    (await h.sql(`select state from requests where id = '${id}'`))[0]!.state as string;

  describe('item 5: a tier belongs to a registered agent, by id', () => {
    it('refuses a tier for an agent name nobody registered; whoever registers it later has tier 0 and no break-glass', async () => {
      const before = await h.counts();
      const e = await failure(h.core.setTrustTier(root, { identity: 'agent:future-bot', trust_tier: 4 }));
      expect(e.code).toBe('NOT_FOUND');
      expect(e.message).toMatch(/register the agent first/);
      expect(await h.counts()).toEqual(before);
      expect(await h.sql(`select * from principals where identity = 'agent:future-bot'`)).toEqual([]);
      const { actor } = await register(mallory, 'future-bot', mallory.identity);
      expect(await tierOf(actor)).toBe(0);
      const bg = await failure(ask(actor, { role: 'ReadOnlyAccess', break_glass: true }));
      expect(bg.code).toBe('POLICY_DENIED');
    });

    it('keys the tier to the agent id: the row carries it, a name-only row is impossible, and a new agent under the name starts at 0', async () => {
      const { actor, id } = await register(alice, 'keyed-bot', alice.identity);
      const set = await h.core.setTrustTier(root, { identity: 'agent:keyed-bot', trust_tier: 3 });
      expect(set).toMatchObject({ identity: 'agent:keyed-bot', kind: 'agent', agent_id: id, trust_tier: 3 });
      expect(await tierOf(actor)).toBe(3);
      // By id works too and names the same row.
      expect(await h.core.setTrustTier(root, { identity: id, trust_tier: 2 })).toMatchObject({
        identity: 'agent:keyed-bot',
        trust_tier: 2,
      });
      await expect(
        h.sql(`insert into principals (identity, kind, trust_tier) values ('agent:ghost', 'agent', 4)`),
      ).rejects.toThrow();
      // Were the agent's row ever removed, its tier goes with it: the name starts over.
      await h.sql(`delete from agents where id = '${id}'`);
      expect(await h.sql(`select * from principals where identity = 'agent:keyed-bot'`)).toEqual([]);
      const again = await register(mallory, 'keyed-bot', mallory.identity);
      expect(await tierOf(again.actor)).toBe(0);
    });
  });

  describe('item 6: separation of duties covers the owner and the creator', () => {
    it('an admin cannot raise the tier of an agent they own or created; another admin can', async () => {
      const own = await register(ops, 'ops-bot', ops.identity);
      const made = await register(ann, 'ann-made-bot', 'made-up@example.com');
      const before = await h.counts();
      for (const [who, name] of [
        [ops, 'agent:ops-bot'],
        [ann, 'agent:ann-made-bot'],
        [ann, made.id],
      ] as const) {
        const e = await failure(h.core.setTrustTier(who, { identity: name, trust_tier: 4 }));
        expect(e.code, name).toBe('FORBIDDEN');
        expect(e.message).toMatch(/you control it/);
      }
      expect(await h.counts()).toEqual(before);
      expect(await tierOf(own.actor)).toBe(0);
      expect(await h.core.setTrustTier(root, { identity: 'agent:ops-bot', trust_tier: 1 })).toMatchObject({
        trust_tier: 1,
      });
    });

    it('an admin cannot approve their own agent’s request through a reviewer they created with a made-up owner, nor approve it themselves', async () => {
      const bot = await register(ann, 'ann-bot', alice.identity);
      const rev = await register(ann, 'ann-rev', 'nobody@example.com', ['ai-reviewer']);
      const r = await ask(bot.actor);
      expect(r).toMatchObject({ state: 'PENDING', approver_tier: 'ai_review' });
      const before = await h.counts();
      const e = await failure(h.core.approveRequest(rev.actor, { id: r.id, ...why }));
      expect(e.code).toBe('FORBIDDEN');
      expect(e.message).toMatch(/controls you/);
      const byAnn = await failure(h.core.approveRequest(ann, { id: r.id, comment: 'mine' }));
      expect(byAnn.code).toBe('FORBIDDEN');
      expect(byAnn.message).toMatch(/agent you control/);
      // The same rule over MCP; and the request is not in the reviewer's queue.
      const mcp = await h.client(rev.token);
      const res = await h.call(mcp, 'approve_request', { request_id: r.id, reasoning: 'fine' });
      expect(res.isError).toBe(true);
      const queue = (await h.core.listRequests(rev.actor, { pending: true })).requests.map((x) => x.id);
      expect(queue).not.toContain(r.id);
      // Nothing written but the three refusals' audit rows (ADR 0047).
      expect(await h.counts()).toEqual({ ...before, audit_events: before.audit_events! + 3 });
      const refused = await h.audit(`request_id = '${r.id}' and action = 'request.decision_refused'`);
      expect(refused.map((x) => x.actor)).toEqual([rev.actor.identity, ann.identity, rev.actor.identity]);
      expect(await brokenAuditRow(h.db.db)).toBeNull();
      expect(await state(r.id)).toBe('PENDING');
      // Someone who controls neither may decide it.
      const other = await register(root, 'root-rev', 'carol@example.com', ['ai-reviewer']);
      expect(await h.core.approveRequest(other.actor, { id: r.id, ...why })).toMatchObject({
        state: 'ACTIVE',
      });
    });

    it('an AI reviewer cannot escalate requests of its controllers or of agents sharing a controller', async () => {
      const rev = await register(root, 'alice-rev', alice.identity, ['ai-reviewer']);
      const sibling = await register(root, 'alice-sibling', alice.identity);
      const annRev = await register(ann, 'ann-rev2', 'someone@example.com', ['ai-reviewer']);
      const annBot = await register(ann, 'ann-bot2', alice.identity);
      const r1 = await ask(sibling.actor);
      const r2 = await ask(annBot.actor);
      for (const [reviewer, id] of [
        [rev, r1.id],
        [annRev, r2.id],
      ] as const) {
        const e = await failure(h.core.escalateRequest(reviewer.actor, { id, comment: 'unsure' }));
        expect(e.code, `${reviewer.actor.identity} on ${id}`).toBe('FORBIDDEN');
      }
      const mcp = await h.client(rev.token);
      const res = await h.call(mcp, 'escalate_to_human', { request_id: r1.id, reasoning: 'unsure' });
      expect(res.isError).toBe(true);
      expect((await h.core.getRequest(root, { id: r1.id })).approver_tier).toBe('ai_review');
      expect((await h.core.getRequest(root, { id: r2.id })).approver_tier).toBe('ai_review');
      // A reviewer outside the party still can.
      const other = await register(ops, 'zed-rev', 'zed@example.com', ['ai-reviewer']);
      const done = await h.core.escalateRequest(other.actor, { id: r1.id, comment: 'unsure' });
      expect(done.approver_tier).toBe('human');
    });

    it('records who created an agent and shows it', async () => {
      const { agent } = await h.core.createAgent(ann, { name: 'shown-bot', owner: 'bea@example.com' });
      expect(agent).toMatchObject({ owner: 'bea@example.com', created_by: 'ann@example.com' });
    });
  });

  describe('item 7: revoking an agent ends what it still has open', () => {
    async function withOpenRequests(name: string) {
      const bot = await register(root, name, alice.identity);
      await h.setTier(`agent:${name}`, 3); // read-only roles are auto-approved at tier 3
      const pending = await ask(bot.actor);
      const active = await ask(bot.actor, { role: 'ReadOnlyAccess' });
      expect(pending.state).toBe('PENDING');
      expect(active.state).toBe('ACTIVE');
      return { bot, pending, active };
    }

    it('cancels PENDING requests (no longer approvable) and revokes ACTIVE grants, audited', async () => {
      const { bot, pending, active } = await withOpenRequests('rev7-bot');
      expect(h.mock.holds(active.id)).toBe(true);
      const out = await h.core.revokeAgent(alice, { id: 'rev7-bot', reason: 'retired' });
      expect(await state(pending.id)).toBe('CANCELLED');
      expect(await state(active.id)).toBe('REVOKED');
      expect(out.agent.revoked_at).not.toBeNull();
      expect(out.requests).toEqual(
        expect.arrayContaining([
          { id: pending.id, outcome: 'cancelled' },
          { id: active.id, outcome: 'revoked' },
        ]),
      );
      expect(h.mock.holds(active.id)).toBe(false);
      // ops controls neither the agent nor its requests: only the state stands in the way.
      const e = await failure(h.core.approveRequest(ops, { id: pending.id, comment: 'too late' }));
      expect(e.code).toBe('CONFLICT');
      expect(await state(pending.id)).toBe('CANCELLED');
      const actions = (await h.audit(`request_id in ('${pending.id}', '${active.id}')`)).map((a) => a.action);
      expect(actions).toEqual(
        expect.arrayContaining(['request.cancelled', 'request.revoke_requested', 'grant.revoked']),
      );
      const [cancelled] = await h.audit(`request_id = '${pending.id}' and action = 'request.cancelled'`);
      expect(cancelled).toMatchObject({
        actor: alice.identity,
        details: { reason: 'retired', agent_revoked: bot.id },
      });
      expect(await brokenAuditRow(h.db.db)).toBeNull();
    });

    it('keeps the grants only when an admin says so; pending requests are cancelled either way', async () => {
      const { bot, pending, active } = await withOpenRequests('keep7-bot');
      const before = await h.counts();
      const e = await failure(h.core.revokeAgent(alice, { id: bot.id, keep_grants: true }));
      expect(e.code).toBe('FORBIDDEN');
      expect(await h.counts()).toEqual(before);
      const admin = await h.human('root@example.com', ['jitsudo-admins']);
      const res = await h.app.request(`http://localhost/api/v1alpha1/agents/${bot.id}?keep_grants=true`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${admin}` },
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as Json;
      expect(body.agent.revoked_at).not.toBeNull();
      expect(body.requests).toEqual(
        expect.arrayContaining([
          { id: pending.id, outcome: 'cancelled' },
          { id: active.id, outcome: 'kept' },
        ]),
      );
      expect(await state(active.id)).toBe('ACTIVE');
      expect(h.mock.holds(active.id)).toBe(true);
      const [revoked] = await h.audit(
        `action = 'agent.revoked' and details::jsonb->>'agent_id' = '${bot.id}'`,
      );
      expect(revoked!.details).toMatchObject({ keep_grants: true, kept_grants: [active.id] });
      // Revoking again without keeping ends what was kept.
      const again = await h.app.request(`http://localhost/api/v1alpha1/agents/${bot.id}/revoke`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'clean up' }),
      });
      expect(again.status).toBe(200);
      expect(((await again.json()) as Json).requests).toEqual([{ id: active.id, outcome: 'revoked' }]);
      expect(await state(active.id)).toBe('REVOKED');
      expect(h.mock.holds(active.id)).toBe(false);
      expect(await brokenAuditRow(h.db.db)).toBeNull();
    });
  });
});
