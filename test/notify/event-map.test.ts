/**
 * The outbox's action → event map names audit actions the core really writes (a typo would
 * silently tell no one), and covers every kind of event issue 11 lists.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_OF_ACTION, EVENT_TYPES } from '../../src/core/outbox/events.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('outbox event map', () => {
  it('every mapped action is written somewhere in src/core', () => {
    const text = sources(join(import.meta.dirname, '../../src/core'))
      .filter((f) => !f.endsWith('outbox/events.ts'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const missing = Object.keys(EVENT_OF_ACTION).filter((a) => !text.includes(`'${a}'`));
    expect(missing).toEqual([]);
  });

  it('refused decisions tell no one: they are audit rows for the SIEM, not notifications (ADR 0047)', () => {
    expect(EVENT_OF_ACTION['request.decision_refused']).toBeUndefined();
    expect(EVENT_OF_ACTION['approval.denied_by_policy']).toBeUndefined();
  });

  it('covers the events issue 11 lists', () => {
    for (const t of [
      'request.created',
      'request.approved',
      'request.denied',
      'request.escalated',
      'grant.issued',
      'grant.expiring',
      'grant.expired',
      'grant.revoked',
      'request.failed',
      'grant.revoke_failing',
      'break_glass.used',
      'grant.drift_detected',
      'audit.checkpoint_refused',
    ])
      expect(EVENT_TYPES).toContain(t);
  });
});
