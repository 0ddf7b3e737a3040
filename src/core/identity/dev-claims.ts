import { z } from 'zod';

/** What a dev token may claim; anything else is rejected both when minting and when verifying. */
export const DevClaims = z
  .object({
    email: z
      .string()
      .trim()
      .toLowerCase()
      .max(254)
      .regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address'),
    groups: z
      .array(
        z
          .string()
          .min(1)
          .max(128)
          .regex(/^[^\s,]+$/, 'group names contain no spaces or commas'),
      )
      .max(64)
      .default([]),
    kind: z.enum(['human', 'agent']).default('human'),
  })
  .strict();
export type DevClaims = z.infer<typeof DevClaims>;
