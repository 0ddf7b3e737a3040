/** Principals' "last seen": recorded by successful activity, throttled, never by refused calls. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/core/actor.js';
import { Sightings } from '../../../src/core/principals/note-seen.js';
import { type Stack, startStack } from '../../helpers/app-stack.js';
import { testDatabases } from '../../helpers/db.js';

const person = (identity: string, groups = ['sre']): Actor => ({
  identity,
  kind: 'human',
  groups,
  scopes: ['requester'],
  isAdmin: false,
});
const ask = {
  provider: 'mock',
  role: 'ReadOnly',
  resource_scope: 'dev',
  duration: '30m',
  reason: 'last seen',
};

describe.each(testDatabases())('last seen on %s', (driver) => {
  let s: Stack;
  const seenAt = async (identity: string) => {
    const rows = await s.rows(`select last_seen_at from principals where identity = '${identity}'`);
    return rows[0] ? new Date(rows[0].last_seen_at as string).getTime() : undefined;
  };
  beforeAll(async () => {
    s = await startStack(driver);
  });
  afterAll(() => s.close());

  it('a first request enrols the requester at tier 0 and records when it was seen', async () => {
    const before = Date.now();
    await s.core.createRequest(person('dana@example.com'), ask);
    const rows = await s.rows(`select kind, trust_tier from principals where identity = 'dana@example.com'`);
    expect(rows).toEqual([{ kind: 'human', trust_tier: 0 }]);
    expect(await seenAt('dana@example.com')).toBeGreaterThanOrEqual(before - 1000);
  });

  it('writes at most once a minute per principal, then again', async () => {
    const alice = person('erin@example.com');
    await s.core.createRequest(alice, ask);
    const first = await seenAt('erin@example.com');
    s.advance(30_000);
    await s.core.createRequest(alice, ask);
    expect(await seenAt('erin@example.com')).toBe(first);
    s.advance(31_000);
    await s.core.createRequest(alice, ask);
    expect(await seenAt('erin@example.com')).toBeGreaterThanOrEqual(first! + 61_000);
  });

  it('refused calls record nothing', async () => {
    await expect(
      s.core.createRequest(person('frank@example.com'), { ...ask, duration: '-5m' }),
    ).rejects.toThrow();
    await expect(
      s.core.createRequest(person('frank@example.com'), { ...ask, provider: 'nope' }),
    ).rejects.toThrow();
    expect(await s.rows(`select identity from principals where identity = 'frank@example.com'`)).toEqual([]);
  });
});

describe('Sightings', () => {
  it('is due on first sight, then once a minute, and forgets the oldest beyond its bound', () => {
    const s = new Sightings(2);
    expect(s.due('a', 0)).toBe(true);
    expect(s.due('a', 59_999)).toBe(false);
    expect(s.due('a', 60_000)).toBe(true);
    expect(s.due('b', 60_000)).toBe(true);
    expect(s.due('c', 60_000)).toBe(true); // evicts a
    expect(s.due('a', 60_001)).toBe(true);
    expect(s.due('c', 1_000)).toBe(true); // a clock that went back is not trusted to throttle
  });
});
