import { z } from 'zod';
import { refuseUnsafeNameChars } from '../validation/identity-text.js';
import { safeText } from '../validation/text.js';

/** What a dev token may claim; anything else is rejected both when minting and when verifying. */
export const DevClaims = z
  .object({
    email: safeText()
      .trim()
      .toLowerCase()
      .max(254)
      .regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address')
      .superRefine(refuseUnsafeNameChars),
    groups: z
      .array(
        safeText(128)
          .min(1)
          .regex(/^[^\s,]+$/, 'group names contain no spaces or commas')
          .superRefine(refuseUnsafeNameChars),
      )
      .max(64)
      .default([]),
    kind: z.enum(['human', 'agent']).default('human'),
  })
  .strict();
export type DevClaims = z.infer<typeof DevClaims>;
