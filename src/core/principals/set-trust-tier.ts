import { z } from 'zod';
import type { Actor } from '../actor.js';
import { appendAudit } from '../audit/append.js';
import type { Executor } from '../db/client.js';
import { findPrincipal, type PrincipalRow, upsertTrustTier } from '../db/principals-repo.js';
import { withTx } from '../db/tx.js';
import { AppError } from '../errors.js';
import { safeText } from '../validation/text.js';
import { Identity, invalid, kindOf } from './access.js';

export const SetTrustTierInput = z
  .object({
    identity: Identity,
    trust_tier: z.number().int().min(0).max(4),
    notes: safeText(1024).optional(),
  })
  .strict();
export type SetTrustTierInput = z.input<typeof SetTrustTierInput>;

/**
 * Sets a principal's trust tier (0–4), creating the principal if needed. Admin only, never on
 * oneself (an admin could otherwise raise their own break-glass rights); audited as
 * principal.trust_tier_set with the old and new tier in the same transaction.
 */
export async function setTrustTier(
  deps: { db: Executor; now?: () => Date },
  actor: Actor,
  input: unknown,
): Promise<PrincipalRow> {
  if (!actor.isAdmin) throw new AppError('FORBIDDEN', 'only administrators may set trust tiers');
  const r = SetTrustTierInput.safeParse(input);
  if (!r.success) throw invalid(r.error);
  const { identity, trust_tier, notes } = r.data;
  if (identity === actor.identity) throw new AppError('FORBIDDEN', 'you cannot change your own trust tier');
  const now = deps.now?.() ?? new Date();
  return withTx(deps.db, async (tx) => {
    const before = await findPrincipal(tx, identity, true);
    const after = await upsertTrustTier(tx, {
      identity,
      kind: before?.kind ?? kindOf(identity),
      tier: trust_tier,
      by: actor.identity,
      notes,
      now,
    });
    await appendAudit(tx, {
      actor: actor.identity,
      actorKind: actor.kind,
      action: 'principal.trust_tier_set',
      outcome: 'success',
      details: {
        identity,
        old_tier: before?.trust_tier ?? null,
        new_tier: trust_tier,
        ...(notes !== undefined ? { notes } : {}),
      },
    });
    return after;
  });
}
