/** The body of POST /requests/{id}/extend (ADR 0045); core's ExtendRequestInput decides the rest. */
import { z } from '@hono/zod-openapi';
import { safeText } from '../../core/validation/text.js';

export const ExtendBody = z
  .object({
    duration: z
      .union([safeText(64), z.number()])
      .optional()
      .openapi({ description: 'time to add: `30m`, `2h`, `1d` or whole seconds', example: '1h' }),
    duration_seconds: z.number().int().optional().openapi({ description: 'alternative to `duration`' }),
    reason: safeText().openapi({ example: 'INC-123 still open' }),
  })
  .strict()
  .openapi('ExtendRequestInput');
