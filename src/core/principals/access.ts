import { z } from 'zod';
import { AppError } from '../errors.js';

/** An email-like or `agent:<name>` identity; bounded so it fits every column and log line. */
export const Identity = z
  .string()
  .min(1)
  .max(254)
  .regex(/^[^\s\p{Cc}]+$/u, 'no whitespace or control characters');

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
