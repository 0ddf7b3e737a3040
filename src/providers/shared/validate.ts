import { AppError } from '../../core/errors.js';
import type { GrantRequest } from '../../core/providers/types.js';

/** Throws AppError VALIDATION with the provider's name in front. */
export function invalid(provider: string, message: string, details?: Record<string, unknown>): never {
  throw new AppError('VALIDATION', `${provider}: ${message}`, details ? { details } : {});
}

/** Checks every provider needs: a request id, a requester, a positive whole-second duration. */
export function validateCommon(
  provider: string,
  req: GrantRequest,
  limits: { minSeconds?: number; maxSeconds?: number } = {},
): void {
  if (!req.requestId?.trim()) invalid(provider, 'request id must not be empty');
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(req.requestId))
    invalid(provider, 'request id may hold only letters, digits, "_", "." and "-" (at most 64)');
  if (!req.principal?.identity?.trim()) invalid(provider, 'requester identity must not be empty');
  if (!req.role?.trim()) invalid(provider, 'role must not be empty');
  const d = req.durationSeconds;
  if (!Number.isInteger(d) || d <= 0)
    invalid(provider, 'duration must be a positive whole number of seconds');
  if (limits.minSeconds !== undefined && d < limits.minSeconds)
    invalid(provider, `duration must be at least ${limits.minSeconds} seconds`, {
      minSeconds: limits.minSeconds,
    });
  if (limits.maxSeconds !== undefined && d > limits.maxSeconds)
    invalid(provider, `duration must be at most ${limits.maxSeconds} seconds`, {
      maxSeconds: limits.maxSeconds,
    });
}

/** Duration actually granted: the request capped by the section's `max_duration_seconds`. */
export const cappedDuration = (req: GrantRequest, max?: number): number =>
  max === undefined ? req.durationSeconds : Math.min(req.durationSeconds, max);
