/** The input of createRequest, validated with zod and bounded by config. */
import { z } from 'zod';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import { safeText } from '../validation/text.js';
import { parseDuration } from './duration.js';

const DEFAULT_DURATION_SECONDS = 3600;
const MAX_METADATA_ENTRIES = 32;

export const CreateRequestInput = z
  .object({
    provider: safeText(64).min(1),
    role: safeText(256).min(1),
    resource_scope: safeText(1024).default(''),
    duration: z.union([safeText(64), z.number()]).optional(),
    duration_seconds: z.number().optional(),
    reason: safeText(),
    break_glass: z.boolean().default(false),
    metadata: z
      .record(safeText(128).min(1), safeText(1024))
      .refine((m) => Object.keys(m).length <= MAX_METADATA_ENTRIES, {
        message: `at most ${MAX_METADATA_ENTRIES} metadata entries`,
      })
      .default({}),
  })
  .strict();
export type CreateRequestInput = z.input<typeof CreateRequestInput>;

export interface ParsedCreate {
  provider: string;
  role: string;
  resourceScope: string;
  durationSeconds: number;
  reason: string;
  breakGlass: boolean;
  metadata: Record<string, string>;
}

/** Turns a zod failure into the one error type, naming the first bad field. */
export function validationError(error: z.ZodError): AppError {
  const issue = error.issues[0]!;
  const field = issue.path.join('.') || '(input)';
  return new AppError('VALIDATION', `invalid ${field}: ${issue.message}`, {
    details: {
      field,
      issues: error.issues.slice(0, 10).map((i) => ({ field: i.path.join('.'), message: i.message })),
    },
  });
}

/** Validates and normalizes a create input; throws AppError VALIDATION naming the problem. */
export function parseCreateInput(input: unknown, config: Readonly<Config>): ParsedCreate {
  const r = CreateRequestInput.safeParse(input);
  if (!r.success) throw validationError(r.error);
  const v = r.data;
  if (v.duration !== undefined && v.duration_seconds !== undefined)
    throw new AppError('VALIDATION', 'give either duration or duration_seconds, not both', {
      details: { field: 'duration' },
    });
  const max = config.requests.max_duration_seconds;
  const raw = v.duration ?? v.duration_seconds;
  const durationSeconds =
    raw === undefined ? Math.min(DEFAULT_DURATION_SECONDS, max) : parseDuration(raw, max);
  const reason = requiredReason(v.reason, config, 'say why you need this access');
  const role = v.role.trim();
  if (role === '') throw new AppError('VALIDATION', 'role must not be blank', { details: { field: 'role' } });
  return {
    provider: v.provider,
    role,
    resourceScope: v.resource_scope.trim(),
    durationSeconds,
    reason,
    breakGlass: v.break_glass,
    metadata: v.metadata,
  };
}

/** A request's or an extension's reason, trimmed: required, and within requests.max_reason_length. */
export function requiredReason(raw: string, config: Readonly<Config>, ask: string): string {
  const reason = raw.trim();
  if (reason === '')
    throw new AppError('VALIDATION', `a reason is required: ${ask}`, { details: { field: 'reason' } });
  if (reason.length > config.requests.max_reason_length)
    throw new AppError(
      'VALIDATION',
      `reason is longer than ${config.requests.max_reason_length} characters`,
      { details: { field: 'reason' } },
    );
  return reason;
}
