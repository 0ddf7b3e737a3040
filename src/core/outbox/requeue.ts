/**
 * requeueDeadDeliveries: an administrator puts dead outbox deliveries back in the queue (after
 * fixing the receiver, the token, the channel…). Same verb on every surface:
 * `POST /api/v1alpha1/admin/outbox/requeue`, `jitsudo server outbox requeue`.
 */
import { z } from 'zod';
import type { Actor } from '../actor.js';
import { appendAudit } from '../audit/append.js';
import { requeueDead } from '../db/outbox-maintenance-repo.js';
import { withTx } from '../db/tx.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';
import { isId } from '../ids.js';
import { invalid } from '../principals/access.js';
import { configuredSinkNames } from './sink-names.js';

export const RequeueDeadInput = z
  .object({
    /** Only this sink's dead deliveries. */
    sink: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'a sink name')
      .optional(),
    /** Only this event's dead deliveries (to every sink, or to `sink`). */
    event_id: z
      .string()
      .max(64)
      .refine((s) => isId(s, 'evt'), 'an event id (evt_…)')
      .optional(),
    /** Every dead delivery of every configured sink; not combinable with the filters. */
    all: z.boolean().optional(),
  })
  .strict()
  .refine((i) => (i.all === true) !== (i.sink !== undefined || i.event_id !== undefined), {
    message: 'name a sink, an event id (or both), or all: true',
  });
export type RequeueDeadInput = z.input<typeof RequeueDeadInput>;

export interface RequeueResult {
  requeued: number;
  sinks: { sink: string; count: number }[];
}

/**
 * Makes the selected dead deliveries pending and due now, with their attempts reset. Admin only;
 * only sinks configured on this server (a removed sink has no pump to deliver them). Audited as
 * outbox.requeued in the same transaction — even when nothing matched, so the attempt is on record.
 */
export async function requeueDeadDeliveries(
  deps: CoreDeps,
  actor: Actor,
  input: unknown,
): Promise<RequeueResult> {
  if (!actor.isAdmin) throw new AppError('FORBIDDEN', 'only administrators may requeue outbox deliveries');
  const r = RequeueDeadInput.safeParse(input ?? {});
  if (!r.success) throw invalid(r.error);
  const { sink, event_id, all } = r.data;
  const configured = configuredSinkNames(deps.config);
  if (sink !== undefined && !configured.includes(sink))
    throw new AppError(
      'VALIDATION',
      `invalid sink: "${sink}" is not a sink configured on this server (configured: ${configured.join(', ') || 'none'})`,
      { details: { sink } },
    );
  const now = deps.now();
  return withTx(deps.db, async (tx) => {
    const sinks = await requeueDead(tx, { sinks: sink ? [sink] : configured, eventId: event_id }, now);
    const requeued = sinks.reduce((n, s) => n + s.count, 0);
    await appendAudit(tx, {
      actor: actor.identity,
      actorKind: actor.kind,
      action: 'outbox.requeued',
      outcome: 'success',
      details: {
        filter: { ...(sink ? { sink } : {}), ...(event_id ? { event_id } : {}), ...(all ? { all } : {}) },
        requeued,
        sinks: Object.fromEntries(sinks.map((s) => [s.sink, s.count])),
      },
    });
    return { requeued, sinks };
  });
}
