import type { z } from 'zod';
import { AppError } from '../errors.js';
import { refuseUnsafeNameChars } from '../validation/identity-text.js';
import { safeText } from '../validation/text.js';

/** An email-like or `agent:<name>` identity; bounded so it fits every column and log line. */
export const Identity = safeText(254)
  .min(1)
  .regex(/^[^\s\p{Cc}]+$/u, 'no whitespace or control characters')
  .superRefine(refuseUnsafeNameChars);

/** Agents are `agent:<name>`; everyone else is a human. */
export const kindOf = (identity: string): 'human' | 'agent' =>
  identity.startsWith('agent:') ? 'agent' : 'human';

/** zod's first issue as a VALIDATION error naming the field. */
export function invalid(error: z.ZodError): AppError {
  const i = error.issues[0]!;
  return new AppError('VALIDATION', `invalid ${i.path.join('.') || 'input'}: ${i.message}`, {
    details: { issues: error.issues.map((x) => ({ path: x.path.join('.'), message: x.message })) },
  });
}
