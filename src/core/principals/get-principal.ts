import { z } from 'zod';
import type { Actor } from '../actor.js';
import type { Executor } from '../db/client.js';
import { findPrincipal, type PrincipalRow } from '../db/principals-repo.js';
import { AppError } from '../errors.js';
import { Identity, invalid } from './access.js';

export const GetPrincipalInput = z.object({ identity: Identity }).strict();

/** A principal record: admins may read anyone, everyone else only themselves. NOT_FOUND if never seen. */
export async function getPrincipal(
  deps: { db: Executor },
  actor: Actor,
  input: unknown,
): Promise<PrincipalRow> {
  const r = GetPrincipalInput.safeParse(input);
  if (!r.success) throw invalid(r.error);
  const { identity } = r.data;
  if (!actor.isAdmin && identity !== actor.identity)
    throw new AppError('FORBIDDEN', 'only administrators may read other principals');
  const row = await findPrincipal(deps.db, identity);
  if (!row) throw new AppError('NOT_FOUND', `principal ${identity} not found`);
  return row;
}
