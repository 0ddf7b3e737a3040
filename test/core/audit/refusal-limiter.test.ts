/** The bound on unauthenticated refusal rows (ADR 0056), without a database: windows, counts, clock steps. */
import { describe, expect, it } from 'vitest';
import { RefusalLimiter } from '../../../src/core/audit/refusal-limiter.js';

describe('RefusalLimiter', () => {
  it('admits perWindow per reason per window; the next admitted row carries the count since the last', () => {
    const l = new RefusalLimiter({ perWindow: 2, windowMs: 1000 });
    const t = 1_000_000;
    expect(l.admit('bad_signature', t)).toEqual({ write: true, suppressed: 0 });
    expect(l.admit('bad_signature', t + 1)).toEqual({ write: true, suppressed: 0 });
    for (let i = 0; i < 5; i++) expect(l.admit('bad_signature', t + 2 + i)).toEqual({ write: false });
    // Another reason has its own budget.
    expect(l.admit('replayed', t + 10)).toEqual({ write: true, suppressed: 0 });
    expect(l.admit('bad_signature', t + 999)).toEqual({ write: false });
    expect(l.admit('bad_signature', t + 1000)).toEqual({ write: true, suppressed: 6 });
    expect(l.admit('bad_signature', t + 1001)).toEqual({ write: true, suppressed: 0 });
  });

  it('a clock stepping back opens a new window instead of suppressing until it catches up', () => {
    const l = new RefusalLimiter({ perWindow: 1, windowMs: 60_000 });
    expect(l.admit('stale_timestamp', 500_000).write).toBe(true);
    expect(l.admit('stale_timestamp', 500_001).write).toBe(false);
    expect(l.admit('stale_timestamp', 400_000)).toEqual({ write: true, suppressed: 1 });
  });

  it('a row that could not be written hands its count back to the next one', () => {
    const l = new RefusalLimiter({ perWindow: 1, windowMs: 1000 });
    expect(l.admit('missing_signature', 0).write).toBe(true);
    expect(l.admit('missing_signature', 1).write).toBe(false);
    const a = l.admit('missing_signature', 1000);
    expect(a).toEqual({ write: true, suppressed: 1 });
    l.restore('missing_signature', 1 + 1); // the failed row's own refusal and the count it carried
    expect(l.admit('missing_signature', 2000)).toEqual({ write: true, suppressed: 2 });
  });

  it('defaults: 5 rows a minute', () => {
    expect(new RefusalLimiter().limits).toEqual({ perWindow: 5, windowMs: 60_000 });
  });
});
