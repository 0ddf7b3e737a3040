/** Agent identities: create/list/revoke rules, tokens stored only as hashes, authentication, audit, HTTP routes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashAgentToken } from '../../../src/core/agents/token.js';
import type { AppError } from '../../../src/core/errors.js';
import { ADMIN } from '../../helpers/app-stack.js';
import { brokenAuditRow } from '../../helpers/audit-chain.js';
import { testDatabases } from '../../helpers/db.js';
import { type McpHarness, startMcpHarness } from '../../mcp/support/harness.js';

const alice = {
  identity: 'alice@example.com',
  kind: 'human' as const,
  groups: [],
  scopes: ['requester'],
  isAdmin: false,
};
const bob = { ...alice, identity: 'bob@example.com' };
type Json = any;

async function appError(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    return e as AppError;
  }
  throw new Error('expected an error');
}

describe.each(testDatabases())('agents on %s', (driver) => {
  let h: McpHarness;
  beforeAll(async () => {
    h = await startMcpHarness(driver);
  });
  afterAll(() => h?.close());

  it('a person creates an agent they own; the token is returned once and only its hash is stored', async () => {
    const { agent, token } = await h.core.createAgent(alice, { name: 'a-coder' });
    expect(token).toMatch(/^jit_agt_[A-Za-z0-9_-]{43}$/);
    expect(agent).toMatchObject({
      name: 'a-coder',
      identity: 'agent:a-coder',
      owner: 'alice@example.com',
      scopes: ['requester'],
      revoked_at: null,
    });
    expect(JSON.stringify(agent)).not.toContain(token);
    const [row] = await h.sql(`select * from agents where id = '${agent.id}'`);
    expect(row!.token_hash).toBe(hashAgentToken(token));
    expect(JSON.stringify(row)).not.toContain(token.slice(8));
    const audit = await h.audit(`action = 'agent.created' and details::jsonb->>'agent_id' = '${agent.id}'`);
    expect(audit).toEqual([
      {
        actor: 'alice@example.com',
        on_behalf_of: null,
        action: 'agent.created',
        details: {
          agent_id: agent.id,
          name: 'a-coder',
          owner: 'alice@example.com',
          created_by: 'alice@example.com',
          scopes: ['requester'],
        },
      },
    ]);
    // The token authenticates as the agent, with both identities.
    const actor = await h.app.request('http://localhost/api/v1alpha1/auth/whoami', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await actor.json()).toMatchObject({
      identity: 'agent:a-coder',
      kind: 'agent',
      scopes: ['requester'],
    });
  });

  it('refuses: agents for someone else, the ai-reviewer right without admin, agents creating agents, reused names', async () => {
    const before = await h.counts();
    expect((await appError(h.core.createAgent(alice, { name: 'x1', owner: 'bob@example.com' }))).code).toBe(
      'FORBIDDEN',
    );
    expect((await appError(h.core.createAgent(alice, { name: 'x2', scopes: ['ai-reviewer'] }))).code).toBe(
      'FORBIDDEN',
    );
    const { actor } = await h.agent('maker', 'alice@example.com');
    expect((await appError(h.core.createAgent(actor, { name: 'x3' }))).code).toBe('FORBIDDEN');
    expect((await appError(h.core.createAgent(alice, { name: 'Bad Name' }))).code).toBe('VALIDATION');
    expect((await appError(h.core.createAgent(alice, { name: 'x4', scopes: ['admin'] }))).code).toBe(
      'VALIDATION',
    );
    expect((await appError(h.core.createAgent(alice, { name: 'maker' }))).code).toBe('CONFLICT');
    const after = await h.counts();
    expect(after.agents).toBe(before.agents! + 1); // only `maker`
  });

  it('admins create agents for anyone, with the ai-reviewer right', async () => {
    const { agent } = await h.core.createAgent(ADMIN, {
      name: 'rev',
      owner: 'Rita@Example.com',
      scopes: ['ai-reviewer', 'requester', 'ai-reviewer'],
    });
    expect(agent).toMatchObject({ owner: 'rita@example.com', scopes: ['ai-reviewer', 'requester'] });
  });

  it('lists: people see their own agents, admins everyone’s', async () => {
    await h.core.createAgent(bob, { name: 'b-bot' });
    const mine = await h.core.listAgents(bob, {});
    expect(mine.agents.map((a) => a.name)).toEqual(['b-bot']);
    expect((await appError(h.core.listAgents(bob, { owner: 'alice@example.com' }))).code).toBe('FORBIDDEN');
    const all = await h.core.listAgents(ADMIN, {});
    expect(all.agents.map((a) => a.name)).toEqual(
      expect.arrayContaining(['a-coder', 'b-bot', 'rev', 'maker']),
    );
    const page = await h.core.listAgents(ADMIN, { page_size: 1 });
    expect(page.agents).toHaveLength(1);
    const next = await h.core.listAgents(ADMIN, { page_size: 1, page_token: page.next_page_token! });
    expect(next.agents[0]!.id > page.agents[0]!.id).toBe(true);
  });

  it('revoke: owner or admin only; the token stops working at once; twice changes nothing', async () => {
    const { agent, token } = await h.core.createAgent(alice, { name: 'short-lived' });
    const who = () =>
      h.app.request('http://localhost/api/v1alpha1/auth/whoami', {
        headers: { authorization: `Bearer ${token}` },
      });
    expect((await who()).status).toBe(200);
    // Someone else's agent looks missing.
    expect((await appError(h.core.revokeAgent(bob, { id: agent.id }))).code).toBe('NOT_FOUND');
    const { agent: revoked } = await h.core.revokeAgent(alice, { id: 'short-lived', reason: 'done' });
    expect(revoked.revoked_at).not.toBeNull();
    const res = await who();
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(((await res.json()) as Json).error.message).toMatch(/revoked/);
    const { agent: again } = await h.core.revokeAgent(ADMIN, { id: agent.id });
    expect(again.revoked_at).toBe(revoked.revoked_at);
    const audits = await h.audit(`action = 'agent.revoked' and details::jsonb->>'agent_id' = '${agent.id}'`);
    expect(audits).toMatchObject([
      { actor: 'alice@example.com', details: { reason: 'done', by_admin: false } },
    ]);
  });

  it('rejects malformed, unknown and look-alike agent tokens', async () => {
    for (const bad of [
      'jit_agt_',
      'jit_agt_short',
      `jit_agt_${'A'.repeat(43)}`,
      `jit_agt_${'A'.repeat(44)}`,
    ]) {
      const res = await h.app.request('http://localhost/api/v1alpha1/auth/whoami', {
        headers: { authorization: `Bearer ${bad}` },
      });
      expect(res.status, bad).toBe(401);
    }
  });

  it('HTTP: POST/GET /agents, POST /agents/{id}/revoke and DELETE /agents/{id}', async () => {
    const token = await h.human('dana@example.com');
    const call = (method: string, path: string, body?: unknown) =>
      h.app.request(`http://localhost/api/v1alpha1${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const created = await call('POST', '/agents', { name: 'd-bot' });
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const body = (await created.json()) as Json;
    expect(body.token).toMatch(/^jit_agt_/);
    expect(body.agent).toMatchObject({ name: 'd-bot', owner: 'dana@example.com' });
    const list = (await (await call('GET', '/agents')).json()) as Json;
    expect(list.agents.map((a: { name: string }) => a.name)).toEqual(['d-bot']);
    expect((await call('POST', '/agents', { name: 'd-bot2', scopes: ['ai-reviewer'] })).status).toBe(403);
    expect((await call('POST', '/agents', { name: 'd-bot3', extra: 1 })).status).toBe(400);
    const rev = await call('POST', `/agents/${body.agent.id}/revoke`, { reason: 'rotating' });
    expect(rev.status).toBe(200);
    expect(((await rev.json()) as Json).agent.revoked_at).not.toBeNull();
    const second = await call('POST', '/agents', { name: 'd-bot4' });
    const del = await call('DELETE', `/agents/${((await second.json()) as Json).agent.id}`);
    expect(del.status).toBe(200);
    expect((await call('DELETE', '/agents/agt_01J9Z7X3R4T5V6W7X8Y9Z0ABCD')).status).toBe(404);
  });

  it('every agent write left an audit row and the chain still verifies', async () => {
    expect(await brokenAuditRow(h.db.db)).toBeNull();
  });
});
