/** The input of extendRequest: which grant, how much more time, and why. */
import { z } from 'zod';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import { safeText } from '../validation/text.js';
import { requiredReason, validationError } from './create-input.js';
import { parseDuration } from './duration.js';

export const ExtendRequestInput = z
  .object({
    id: z.string().min(1).max(64),
    /** The time to add: `30m`, `2h`, `1d` or whole seconds. */
    duration: z.union([safeText(64), z.number()]).optional(),
    duration_seconds: z.number().optional(),
    reason: safeText(),
  })
  .strict();
export type ExtendRequestInput = z.input<typeof ExtendRequestInput>;

export interface ParsedExtend {
  id: string;
  durationSeconds: number;
  reason: string;
}

/** Validates an extend input; throws AppError VALIDATION naming the bad field. */
export function parseExtendInput(input: unknown, config: Readonly<Config>): ParsedExtend {
  const r = ExtendRequestInput.safeParse(input ?? {});
  if (!r.success) throw validationError(r.error);
  const v = r.data;
  if (v.duration !== undefined && v.duration_seconds !== undefined)
    throw new AppError('VALIDATION', 'give either duration or duration_seconds, not both', {
      details: { field: 'duration' },
    });
  const raw = v.duration ?? v.duration_seconds;
  if (raw === undefined)
    throw new AppError('VALIDATION', 'say how much time to add: a duration like 30m or 1h', {
      details: { field: 'duration' },
    });
  const durationSeconds = parseDuration(raw, config.requests.max_duration_seconds);
  const reason = requiredReason(v.reason, config, 'say why you need more time');
  return { id: v.id, durationSeconds, reason };
}
