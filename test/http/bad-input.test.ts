/**
 * Bad input on every request endpoint: a clear 4xx with the error envelope, nothing changed in the
 * database, never a 5xx.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/db.js';
import { type CallOptions, type Harness, startHarness } from './support/harness.js';

const P = '/api/v1alpha1';
const UNKNOWN = 'req_01J9Z7X3R4T5V6W7X8Y9Z0ABCD';
const good = { provider: 'mock', role: 'admin', resource_scope: 'sandbox', duration: '30m', reason: 'r' };

type Who = 'alice' | 'bob' | 'eve' | 'admin' | 'none' | 'garbage';
type Case = [name: string, method: string, path: string, who: Who, opts: CallOptions, status: number];

describe.each(testDatabases())('bad input over HTTP on %s', (driver) => {
  let h: Harness;
  const tokens: Record<string, string> = {};
  const ids: Record<'pending' | 'active' | 'rejected', string> = { pending: '', active: '', rejected: '' };

  beforeAll(async () => {
    h = await startHarness(driver);
    tokens.alice = await h.token('alice@example.com', ['sre']);
    tokens.bob = await h.token('bob@example.com', ['sre-leads']);
    tokens.admin = await h.token('root@example.com', ['jitsudo-admins']);
    tokens.eve = await h.token('eve@example.com');
    tokens.garbage = 'eyJhbGciOiJIUzI1NiJ9.e30.AAAA';
    const mk = async () =>
      (await h.call('POST', `${P}/requests`, { token: tokens.alice, body: good })).body.request.id;
    ids.pending = await mk();
    ids.active = await mk();
    await h.call('POST', `${P}/requests/${ids.active}/approve`, { token: tokens.bob });
    ids.rejected = await mk();
    await h.call('POST', `${P}/requests/${ids.rejected}/deny`, { token: tokens.bob, body: { reason: 'no' } });
  });
  afterAll(() => h?.close());

  const create = (body: unknown): CallOptions => ({ body });
  const cases = (): Case[] => [
    ['malformed JSON', 'POST', '/requests', 'alice', { raw: '{"provider": "mock",' }, 400],
    ['empty body', 'POST', '/requests', 'alice', { raw: '' }, 400],
    ['array body', 'POST', '/requests', 'alice', create([good]), 400],
    ['string body', 'POST', '/requests', 'alice', create('hello'), 400],
    [
      'text/plain',
      'POST',
      '/requests',
      'alice',
      { raw: JSON.stringify(good), headers: { 'content-type': 'text/plain' } },
      415,
    ],
    ['provider wrong type', 'POST', '/requests', 'alice', create({ ...good, provider: 123 }), 400],
    ['unknown provider', 'POST', '/requests', 'alice', create({ ...good, provider: 'nope' }), 400],
    ['missing role', 'POST', '/requests', 'alice', create({ ...good, role: undefined }), 400],
    ['negative duration', 'POST', '/requests', 'alice', create({ ...good, duration: '-5m' }), 400],
    ['zero duration', 'POST', '/requests', 'alice', create({ ...good, duration: 0 }), 400],
    ['negative seconds', 'POST', '/requests', 'alice', create({ ...good, duration: -30 }), 400],
    ['absurd duration', 'POST', '/requests', 'alice', create({ ...good, duration: '99999999999d' }), 400],
    ['huge number duration', 'POST', '/requests', 'alice', create({ ...good, duration: 1e30 }), 400],
    ['fractional duration', 'POST', '/requests', 'alice', create({ ...good, duration: '1.5h' }), 400],
    ['nonsense duration', 'POST', '/requests', 'alice', create({ ...good, duration: 'soon' }), 400],
    [
      'negative duration_seconds',
      'POST',
      '/requests',
      'alice',
      create({ ...good, duration: undefined, duration_seconds: -1 }),
      400,
    ],
    ['empty reason', 'POST', '/requests', 'alice', create({ ...good, reason: '' }), 400],
    ['100 KB reason', 'POST', '/requests', 'alice', create({ ...good, reason: 'x'.repeat(100_000) }), 400],
    ['1 MB reason', 'POST', '/requests', 'alice', create({ ...good, reason: 'x'.repeat(1_048_576) }), 413],
    [
      'metadata value not a string',
      'POST',
      '/requests',
      'alice',
      create({ ...good, metadata: { a: 1 } }),
      400,
    ],
    [
      'too much metadata',
      'POST',
      '/requests',
      'alice',
      create({
        ...good,
        metadata: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, 'v'])),
      }),
      400,
    ],
    ['unknown field', 'POST', '/requests', 'alice', create({ ...good, admin: true }), 400],
    ['break_glass not boolean', 'POST', '/requests', 'alice', create({ ...good, break_glass: 'yes' }), 400],
    ['no token', 'POST', '/requests', 'none', create(good), 401],
    ['garbage token', 'POST', '/requests', 'garbage', create(good), 401],
    ['bad state filter', 'GET', '/requests?state=BOGUS', 'alice', {}, 400],
    ['page_size 0', 'GET', '/requests?page_size=0', 'alice', {}, 400],
    ['page_size text', 'GET', '/requests?page_size=abc', 'alice', {}, 400],
    ['page_size huge', 'GET', '/requests?page_size=100000', 'alice', {}, 400],
    ['forged page_token', 'GET', '/requests?page_token=garbage', 'alice', {}, 400],
    ['mine=maybe', 'GET', '/requests?mine=maybe', 'alice', {}, 400],
    ["someone else's requests", 'GET', '/requests?requester=alice%40example.com', 'bob', {}, 403],
    ['unknown id', 'GET', `/requests/${UNKNOWN}`, 'alice', {}, 404],
    ['id with bad characters', 'GET', '/requests/x$y', 'alice', {}, 400],
    ['id too long', 'GET', `/requests/${'a'.repeat(65)}`, 'alice', {}, 400],
    // A pending request is visible to anyone who may decide it; a decided one is not.
    ["someone else's decided request", 'GET', '/requests/{active}', 'eve', {}, 404],
    ['approve unknown', 'POST', `/requests/${UNKNOWN}/approve`, 'bob', { body: {} }, 404],
    ['approve own', 'POST', '/requests/{pending}/approve', 'alice', { body: {} }, 403],
    ['approve rejected', 'POST', '/requests/{rejected}/approve', 'bob', { body: {} }, 409],
    ['approve active', 'POST', '/requests/{active}/approve', 'admin', { body: {} }, 409],
    [
      'approve with huge comment',
      'POST',
      '/requests/{pending}/approve',
      'bob',
      { body: { comment: 'c'.repeat(5000) } },
      400,
    ],
    [
      'approve with unknown field',
      'POST',
      '/requests/{pending}/approve',
      'bob',
      { body: { force: true } },
      400,
    ],
    ['approve with array body', 'POST', '/requests/{pending}/approve', 'bob', { raw: '[1]' }, 400],
    ['deny without reason', 'POST', '/requests/{pending}/deny', 'bob', { body: {} }, 400],
    ['deny with empty reason', 'POST', '/requests/{pending}/deny', 'bob', { body: { reason: '' } }, 400],
    ['deny active', 'POST', '/requests/{active}/deny', 'bob', { body: { reason: 'x' } }, 409],
    ['cancel by a possible approver', 'POST', '/requests/{pending}/cancel', 'bob', {}, 403],
    ['cancel by a stranger', 'POST', '/requests/{rejected}/cancel', 'eve', {}, 404],
    ['cancel active', 'POST', '/requests/{active}/cancel', 'alice', {}, 409],
    ['revoke pending', 'POST', '/requests/{pending}/revoke', 'alice', {}, 409],
    ['revoke by its approver', 'POST', '/requests/{active}/revoke', 'bob', {}, 403],
    ['revoke by a stranger', 'POST', '/requests/{active}/revoke', 'eve', {}, 404],
    ['revoke unknown', 'POST', `/requests/${UNKNOWN}/revoke`, 'admin', {}, 404],
    ['credentials of pending', 'GET', '/requests/{pending}/credentials', 'alice', {}, 409],
    ['credentials for its approver', 'GET', '/requests/{active}/credentials', 'bob', {}, 403],
    ['credentials for an admin', 'GET', '/requests/{active}/credentials', 'admin', {}, 403],
    ['credentials for a stranger', 'GET', '/requests/{active}/credentials', 'eve', {}, 404],
    ['credentials unknown', 'GET', `/requests/${UNKNOWN}/credentials`, 'alice', {}, 404],
    [
      'policy apply by a non-admin',
      'POST',
      '/policies',
      'alice',
      create({ name: 'x', rego: 'package x' }),
      403,
    ],
    ['policy apply bad JSON', 'POST', '/policies', 'admin', { raw: '{"name":' }, 400],
    [
      'policy name with spaces',
      'POST',
      '/policies',
      'admin',
      create({ name: 'a b', rego: 'package x' }),
      400,
    ],
    ['policy without rego', 'POST', '/policies', 'admin', create({ name: 'x' }), 400],
    [
      'policy that does not compile',
      'POST',
      '/policies',
      'admin',
      create({ name: 'x', rego: 'package jitsudo.eligibility\nallow if {' }),
      400,
    ],
    [
      'policy with unknown field',
      'POST',
      '/policies',
      'admin',
      create({ name: 'x', rego: 'package x', owner: 'me' }),
      400,
    ],
    [
      'policy of 600 KB',
      'POST',
      '/policies',
      'admin',
      create({ name: 'x', rego: `package x\n#${'x'.repeat(600_000)}` }),
      400,
    ],
    ['policy read with a bad name', 'GET', '/policies/a%20b', 'alice', {}, 400],
    ['policy delete unknown', 'DELETE', '/policies/no.such', 'admin', {}, 404],
    ['policy delete by a non-admin', 'DELETE', '/policies/eligibility.sre', 'alice', {}, 403],
    ['eval without input', 'POST', '/policies:eval', 'alice', create({ type: 'eligibility' }), 400],
    ['eval with a bad type', 'POST', '/policies:eval', 'alice', create({ type: 'routing', input: {} }), 400],
    ['eval with input not an object', 'POST', '/policies:eval', 'alice', create({ input: [1, 2] }), 400],
    [
      'trust tier 5',
      'PUT',
      '/principals/bob%40example.com/trust-tier',
      'admin',
      create({ trust_tier: 5 }),
      400,
    ],
    [
      'trust tier as text',
      'PUT',
      '/principals/bob%40example.com/trust-tier',
      'admin',
      create({ trust_tier: 'high' }),
      400,
    ],
    [
      'trust tier by a non-admin',
      'PUT',
      '/principals/bob%40example.com/trust-tier',
      'alice',
      create({ trust_tier: 4 }),
      403,
    ],
    ['principal with whitespace', 'GET', '/principals/a%20b', 'admin', {}, 400],
    ['audit since not a time', 'GET', '/audit?since=yesterday', 'admin', {}, 400],
    ['audit verify by a non-admin', 'POST', '/audit:verify', 'alice', {}, 403],
    ['reload by a non-admin', 'POST', '/admin/reload-policies', 'alice', {}, 403],
    ['unknown endpoint', 'GET', '/nope', 'alice', {}, 404],
    ['wrong method', 'DELETE', '/requests', 'alice', {}, 404],
  ];

  it('answers every case with the expected 4xx, an error envelope, and no change', async () => {
    const results: string[] = [];
    for (const [name, method, rawPath, who, opts, status] of cases()) {
      const path = P + rawPath.replace(/\{(\w+)\}/g, (_, k: keyof typeof ids) => ids[k]);
      const before = await h.counts();
      const r = await h.call(method, path, { ...opts, token: who === 'none' ? undefined : tokens[who] });
      const after = await h.counts();
      const problems: string[] = [];
      if (r.status !== status) problems.push(`status ${r.status} (${r.text.slice(0, 160)})`);
      if (r.status >= 500) problems.push('5xx');
      if (
        typeof r.body?.error?.code !== 'string' ||
        typeof r.body?.error?.message !== 'string' ||
        !r.body.error.requestId
      )
        problems.push(`no error envelope: ${r.text.slice(0, 120)}`);
      if (r.body?.error?.message?.length > 500) problems.push('message longer than 500 characters');
      // A refused decision on a visible request writes its audit row and nothing else (ADR 0047).
      const expected = name === 'approve own' ? { ...before, audit_events: before.audit_events + 1 } : before;
      if (JSON.stringify(after) !== JSON.stringify(expected))
        problems.push(`changed ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
      if (problems.length) results.push(`${name}: ${problems.join('; ')}`);
    }
    expect(results).toEqual([]);
  });

  it('401s carry WWW-Authenticate: Bearer', async () => {
    const r = await h.call('GET', `${P}/requests`);
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(r.body.error.code).toBe('UNAUTHENTICATED');
  });
});
