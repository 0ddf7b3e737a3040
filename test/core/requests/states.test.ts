import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors.js';
import {
  assertTransition,
  canTransition,
  isTerminal,
  REQUEST_STATES,
  TRANSITIONS,
} from '../../../src/core/requests/states.js';

describe('request state machine', () => {
  it('allows exactly the documented transitions', () => {
    const allowed = REQUEST_STATES.flatMap((f) => TRANSITIONS[f].map((t) => `${f}→${t}`)).sort();
    expect(allowed).toEqual(
      [
        'PENDING→APPROVED',
        'PENDING→REJECTED',
        'PENDING→CANCELLED',
        'PENDING→EXPIRED',
        'PENDING→FAILED',
        'APPROVED→ACTIVE',
        'APPROVED→FAILED',
        'APPROVED→APPLIED',
        'ACTIVE→EXPIRED',
        'ACTIVE→REVOKED',
      ].sort(),
    );
  });

  it('treats REJECTED, CANCELLED, EXPIRED, REVOKED, FAILED and APPLIED (an extension) as terminal', () => {
    expect(REQUEST_STATES.filter(isTerminal)).toEqual([
      'REJECTED',
      'CANCELLED',
      'EXPIRED',
      'REVOKED',
      'FAILED',
      'APPLIED',
    ]);
  });

  it('refuses every transition outside the table with CONFLICT', () => {
    for (const from of REQUEST_STATES)
      for (const to of REQUEST_STATES) {
        if (canTransition(from, to)) expect(() => assertTransition(from, to)).not.toThrow();
        else {
          let err: unknown;
          try {
            assertTransition(from, to, 'req_X');
          } catch (e) {
            err = e;
          }
          expect(err).toBeInstanceOf(AppError);
          expect((err as AppError).code).toBe('CONFLICT');
          expect((err as AppError).details).toMatchObject({ state: from, wanted: to, request_id: 'req_X' });
        }
      }
  });

  it('is frozen', () => {
    expect(Object.isFrozen(TRANSITIONS)).toBe(true);
  });
});
