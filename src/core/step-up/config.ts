/** `approvals:` in the server config: how fresh a step-up approver's sign-in must be (ADR 0050). */
import { z } from 'zod';

export const ApprovalsConfig = z
  .object({
    /** A decision on a step_up request needs an IdP sign-in (auth_time) at most this old. */
    step_up_max_age_seconds: z
      .number()
      .int()
      .min(30)
      .max(86_400)
      .default(300)
      .describe('Approving a step_up request needs an IdP sign-in (auth_time) at most this old (ADR 0050).'),
    /** How long a step-up link handed out in Slack stays usable (single use either way). */
    step_up_link_seconds: z
      .number()
      .int()
      .min(1)
      .max(3600)
      .default(300)
      .describe('How long a step-up link handed out in Slack stays usable (single use either way).'),
  })
  .strict();

export const APPROVALS_DEFAULTS = { step_up_max_age_seconds: 300, step_up_link_seconds: 300 } as const;
