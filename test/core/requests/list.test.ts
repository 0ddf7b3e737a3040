import { describe, expect, it } from 'vitest';
import { testDatabases } from '../../helpers/db.js';
import { agent, appError, human, uniq, useHarness } from './fixtures.js';

describe.each(testDatabases())('listRequests on %s', (driver) => {
  const h = useHarness(driver);

  it('pages newest first with an opaque cursor and never repeats or skips a row', async () => {
    const alice = human(uniq('alice'), ['sre']);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      ids.push((await h.ask(alice)).id);
      h.clock.advance(1000);
    }
    const seen: string[] = [];
    let token: string | undefined;
    for (let page = 0; page < 10; page++) {
      const r = await h.core.listRequests(alice, { page_size: 3, ...(token ? { page_token: token } : {}) });
      seen.push(...r.requests.map((x) => x.id));
      if (!r.next_page_token) break;
      token = r.next_page_token;
    }
    expect(seen).toEqual([...ids].reverse());
    expect((await appError(h.core.listRequests(alice, { page_token: 'garbage' }))).code).toBe('VALIDATION');
    expect((await appError(h.core.listRequests(alice, { page_size: 100000 }))).code).toBe('VALIDATION');
  });

  it('scopes to the caller unless admin, and filters by state', async () => {
    const alice = human(uniq('alice'), ['sre']);
    const bob = human(uniq('bob'), ['sre']);
    const a1 = await h.ask(alice);
    const b1 = await h.ask(bob);
    await h.core.cancelRequest(bob, { id: b1.id });
    const mine = await h.core.listRequests(alice, {});
    expect(mine.requests.map((r) => r.id)).toEqual([a1.id]);
    expect((await h.core.listRequests(bob, { state: 'CANCELLED' })).requests.map((r) => r.id)).toEqual([
      b1.id,
    ]);
    expect((await h.core.listRequests(bob, { state: 'PENDING' })).requests).toEqual([]);
    expect((await appError(h.core.listRequests(alice, { requester: bob.identity }))).code).toBe('FORBIDDEN');
    const admin = human(uniq('root'), ['jitsudo-admins'], true);
    const all = await h.core.listRequests(admin, { requester: bob.identity });
    expect(all.requests.map((r) => r.id)).toEqual([b1.id]);
    expect((await h.core.listRequests(admin, { mine: true })).requests).toEqual([]);
  });

  it('pending lists what the caller may decide: not their own, only tiers they may decide', async () => {
    const alice = human(uniq('alice'), ['sre']);
    const carol = human(uniq('carol'));
    const mineReq = await h.ask(alice);
    const bot = agent(uniq('bot'), uniq('owner'), ['sre']);
    const aiReq = await h.ask(bot, { role: 'deployer' });
    const reviewer = agent(uniq('reviewer'), uniq('o'), [], ['ai-reviewer']);

    const forCarol = (await h.core.listRequests(carol, { pending: true, page_size: 500 })).requests.map(
      (r) => r.id,
    );
    expect(forCarol).toContain(mineReq.id);
    expect(forCarol).toContain(aiReq.id);
    const forAlice = (await h.core.listRequests(alice, { pending: 'true', page_size: 500 })).requests.map(
      (r) => r.id,
    );
    expect(forAlice).not.toContain(mineReq.id);
    const forReviewer = (await h.core.listRequests(reviewer, { pending: true, page_size: 500 })).requests;
    expect(forReviewer.every((r) => r.approver_tier === 'ai_review')).toBe(true);
    expect(forReviewer.map((r) => r.id)).toContain(aiReq.id);
    const plainAgent = agent(uniq('plain'), uniq('o'));
    expect((await h.core.listRequests(plainAgent, { pending: true })).requests).toEqual([]);
    expect((await appError(h.core.listRequests(carol, { pending: true, state: 'ACTIVE' }))).code).toBe(
      'VALIDATION',
    );
  });
});
