/**
 * The last line of defence behind boundary validation: a PostgreSQL data exception (SQLSTATE class
 * 22 — 22021 bad byte sequence, 22P05 untranslatable character, 22008 datetime out of range, 22003
 * numeric out of range, …) means a value from the caller could not be stored or compared. That is
 * the caller's bad input, not a server failure: each surface's error mapper turns it into VALIDATION
 * and logs a warning, because every such hit is a boundary schema that should have refused it first
 * (test/security/input-fuzz.test.ts counts them; the goal is zero).
 */
import { AppError } from '../errors.js';
import { sqlState } from './tx.js';

export const DATA_EXCEPTION_LOG = 'database refused a value the input validation let through';

/** VALIDATION for a class-22 driver error (never for an AppError, e.g. a provider's own database); else undefined. */
export function dataException(e: unknown): AppError | undefined {
  if (e instanceof AppError) return undefined;
  const code = sqlState(e);
  if (!code?.startsWith('22')) return undefined;
  return new AppError(
    'VALIDATION',
    'a value in this request cannot be stored or compared (text with NUL or invalid Unicode, or a time or number out of range)',
    { details: { sqlstate: code }, cause: e },
  );
}
