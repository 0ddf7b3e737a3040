/** SQL for request extensions (ADR 0045): the open extension of a grant, and inserting one. */
import { and, eq, inArray } from 'drizzle-orm';
import { AppError } from '../errors.js';
import type { Executor } from './client.js';
import { insertRequest, type NewRequestRow, type RequestRow } from './requests-repo.js';
import { requests } from './schema/index.js';

/** The PENDING or APPROVED extension of request `parentId`, if any (at most one, by a unique index). */
export async function findOpenExtension(exec: Executor, parentId: string): Promise<RequestRow | undefined> {
  const [r] = await exec
    .select()
    .from(requests)
    .where(and(eq(requests.extendsRequestId, parentId), inArray(requests.state, ['PENDING', 'APPROVED'])))
    .limit(1);
  return r;
}

const sqlState = (e: unknown): unknown =>
  (e as { code?: unknown })?.code ?? (e as { cause?: { code?: unknown } })?.cause?.code;

/** Inserts an extension row; a second open extension of the same grant is CONFLICT, not a 500. */
export async function insertExtension(tx: Executor, row: NewRequestRow): Promise<RequestRow> {
  try {
    return await insertRequest(tx, row);
  } catch (e) {
    if (sqlState(e) === '23505')
      throw new AppError(
        'CONFLICT',
        `request ${row.extendsRequestId} already has an extension in progress; wait for its decision`,
        { details: { request_id: row.extendsRequestId } },
      );
    throw e;
  }
}
