/** The step_up_links table (ADR 0050): single-use links, found by the SHA-256 of their random id. */
import { eq } from 'drizzle-orm';
import type { Executor, Transaction } from './client.js';
import { stepUpLinks } from './schema/index.js';

export type StepUpLinkRow = typeof stepUpLinks.$inferSelect;

export async function insertStepUpLink(exec: Executor, row: typeof stepUpLinks.$inferInsert): Promise<void> {
  await exec.insert(stepUpLinks).values(row);
}

export async function findStepUpLink(exec: Executor, idHash: string): Promise<StepUpLinkRow | undefined> {
  const [row] = await exec.select().from(stepUpLinks).where(eq(stepUpLinks.idHash, idHash));
  return row;
}

/** The link under a row lock: two uses of one link serialize here, and only the first finds it unused. */
export async function lockStepUpLink(tx: Transaction, idHash: string): Promise<StepUpLinkRow | undefined> {
  const [row] = await tx.select().from(stepUpLinks).where(eq(stepUpLinks.idHash, idHash)).for('update');
  return row;
}

export async function markStepUpLinkUsed(tx: Transaction, idHash: string, now: Date): Promise<void> {
  await tx.update(stepUpLinks).set({ usedAt: now }).where(eq(stepUpLinks.idHash, idHash));
}
