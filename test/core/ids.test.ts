import { describe, expect, it } from 'vitest';
import { idTime, isId, monotonicUlid, newId } from '../../src/core/ids.js';

describe('ids', () => {
  it('are prefixed ULIDs carrying the creation time', () => {
    const before = Date.now();
    const id = newId('req');
    expect(id).toMatch(/^req_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(isId(id, 'req')).toBe(true);
    expect(isId(id, 'apr')).toBe(false);
    expect(idTime(id)).toBeGreaterThanOrEqual(before);
    expect(idTime(id)).toBeLessThanOrEqual(Date.now());
  });

  it('encode the time as the ULID spec does', () => {
    // The spec's example: 1469918176385 ms → "01ARYZ6S41".
    const ulid = monotonicUlid();
    expect(ulid(1469918176385).slice(0, 10)).toBe('01ARYZ6S41');
    expect(idTime(`x_${ulid(1469918176385)}`)).toBeGreaterThanOrEqual(1469918176385);
  });

  it('strictly increase within a process, also within one millisecond and when the clock steps back', () => {
    const ids: string[] = [];
    for (let i = 0; i < 5000; i++) ids.push(newId('apr'));
    const ulid = monotonicUlid();
    const t = Date.now() + 10_000;
    ids.push(ulid(t), ulid(t), ulid(t - 5_000), ulid(t));
    expect(ids.slice(0, 5000)).toEqual([...ids.slice(0, 5000)].sort());
    for (let i = 5002; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('spread their random part over the whole alphabet', () => {
    // A new millisecond draws fresh random bits (within one millisecond they count up instead).
    const ulid = monotonicUlid();
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) for (const ch of ulid(1_700_000_000_000 + i).slice(10, 14)) seen.add(ch);
    expect(seen.size).toBeGreaterThan(28);
  });

  it('reject malformed ids', () => {
    expect(isId('req_0123', 'req')).toBe(false);
    expect(isId(`req_${'I'.repeat(26)}`, 'req')).toBe(false);
    expect(isId(42, 'req')).toBe(false);
    expect(idTime('req_!!')).toBeNaN();
  });
});
