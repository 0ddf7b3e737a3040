/**
 * Over HTTP: approve and deny refuse a late decision with 409 whether or not the sweeper has run
 * (the request is left as the sweeper would leave it), and on a request the caller may not see they
 * answer the very 404 that GET answers, writing nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../helpers/app-stack.js';
import { testDatabases } from '../helpers/db.js';
import { type CallResult, callApp } from '../helpers/http-call.js';
import { AI_REVIEW_ROLE } from '../helpers/test-policies.js';

const P = '/api/v1alpha1';
const body = (overrides: Record<string, unknown> = {}) => ({
  provider: 'mock',
  role: 'admin',
  resource_scope: 'sandbox',
  duration: '30m',
  reason: 'investigating INC-7',
  ...overrides,
});

/** The response with its per-call request id blanked: what must match byte for byte. */
const shape = (r: CallResult) => ({
  status: r.status,
  type: r.headers.get('content-type'),
  text: r.text.replace(/"requestId":"[^"]*"/, '"requestId":""'),
});

describe.each(testDatabases())('late and hidden decisions over HTTP on %s', (driver) => {
  let s: Stack;
  let alice: string;
  let bob: string;
  let intern: string;
  let carol: string;
  let admin: string;
  let rev: string;
  const call = (method: string, path: string, token: string, b?: unknown) =>
    callApp(s.app, method, `${P}${path}`, { token, ...(b !== undefined ? { body: b } : {}) });
  const create = async (token: string, role = 'admin') => {
    const r = await call('POST', '/requests', token, body({ role }));
    expect(r.status, r.text).toBe(201);
    return r.body.request as { id: string; approver_tier: string; pending_expires_at: string };
  };
  const actions = async (id: string) =>
    (await s.rows(`select action, actor from audit_events where request_id = '${id}' order by id`)).map(
      (r) => `${r.action} by ${r.actor}`,
    );
  const auditCount = async () => Number((await s.rows('select count(*)::int as n from audit_events'))[0]!.n);

  beforeAll(async () => {
    s = await startStack(driver, { devTokens: true, agentTokens: true, policies: [AI_REVIEW_ROLE] });
    alice = await s.humanToken('alice@example.com', ['sre']);
    bob = await s.humanToken('bob@example.com', ['sre-leads']);
    carol = await s.humanToken('carol@example.com', ['sre-leads']);
    intern = await s.humanToken('intern@example.com');
    admin = await s.humanToken('root@example.com', ['jitsudo-admins']);
    rev = (await s.agent('rev', 'rita@example.com', ['ai-reviewer'])).token;
  });
  afterAll(() => s?.close());

  it('approve and deny after pending_expires_at, before the sweeper ran: 409, and the request is EXPIRED', async () => {
    const a = await create(alice);
    const d = await create(alice);
    s.advance(s.config.requests.pending_ttl_seconds * 1000);
    const approve = await call('POST', `/requests/${a.id}/approve`, bob, { comment: 'go' });
    const deny = await call('POST', `/requests/${d.id}/deny`, bob, { reason: 'no' });
    for (const [r, req, done] of [
      [approve, a, 'approved'],
      [deny, d, 'denied'],
    ] as const) {
      expect(r.status, r.text).toBe(409);
      expect(r.body.error).toMatchObject({
        code: 'CONFLICT',
        message: `request ${req.id} expired at ${req.pending_expires_at} without a decision; it can no longer be ${done}`,
        details: { state: 'EXPIRED', pending_expires_at: req.pending_expires_at },
      });
      const got = await call('GET', `/requests/${req.id}`, alice);
      expect(got.body.request).toMatchObject({
        state: 'EXPIRED',
        end_reason: 'pending_timeout',
        approvals: [],
      });
      expect(await actions(req.id)).toEqual([
        'request.created by alice@example.com',
        'request.expired by system',
      ]);
    }
  });

  it('an AI reviewer approving after escalate_at: 409; the request has gone to human approvers', async () => {
    const r = await create(alice, 'ai-review-me');
    expect(r.approver_tier).toBe('ai_review');
    s.advance(s.config.requests.ai_review_escalate_after_seconds * 1000);
    const late = await call('POST', `/requests/${r.id}/approve`, rev, { comment: 'fine' });
    expect(late.status, late.text).toBe(409);
    expect(late.body.error.code).toBe('CONFLICT');
    expect(late.body.error.message).toMatch(
      new RegExp(
        `^the AI review window of request ${r.id} closed at .*; it has been escalated to human approvers`,
      ),
    );
    const got = await call('GET', `/requests/${r.id}`, admin);
    expect(got.body.request).toMatchObject({ state: 'PENDING', approver_tier: 'human' });
    expect(await actions(r.id)).toEqual([
      'request.created by alice@example.com',
      'request.escalated by system',
    ]);
    // People decide it from here.
    const ok = await call('POST', `/requests/${r.id}/approve`, bob, { comment: 'go' });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.request.state).toBe('ACTIVE');
  });

  it('approve and deny of a request the caller may not see: the same 404 as GET, and no audit row', async () => {
    const pending = await create(alice); // the approval policy does not let intern decide it
    const decided = await create(alice);
    expect((await call('POST', `/requests/${decided.id}/deny`, bob, { reason: 'not now' })).status).toBe(200);
    for (const [who, id] of [
      [intern, pending.id],
      [carol, decided.id],
    ] as const) {
      const before = await auditCount();
      const get = await call('GET', `/requests/${id}`, who);
      expect(get.status).toBe(404);
      const approve = await call('POST', `/requests/${id}/approve`, who, { comment: 'sure' });
      const deny = await call('POST', `/requests/${id}/deny`, who, { reason: 'no' });
      expect(shape(approve)).toEqual(shape(get));
      expect(shape(deny)).toEqual(shape(get));
      expect(await auditCount()).toBe(before);
    }
    expect((await call('GET', `/requests/${pending.id}`, alice)).body.request.state).toBe('PENDING');
  });
});
