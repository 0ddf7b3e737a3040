/**
 * getCredentials: the requester — and only the requester — reads the live grant's credentials.
 * Every retrieval is audited, without the values.
 */
import type { Actor } from '../actor.js';
import { decryptSecret } from '../crypto/secrets.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';
import { isRequester } from './access.js';
import { loadVisible, parseInput, RequestIdInput } from './load.js';
import { audit, transact } from './tx.js';

export interface GrantView {
  request_id: string;
  provider: string;
  /** Environment variable name → secret value. */
  credentials: Record<string, string>;
  expires_at: string;
}

/** Returns the decrypted credentials; invariant: only the requester, only ACTIVE and before expires_at. */
export async function getCredentials(deps: CoreDeps, actor: Actor, input: unknown): Promise<GrantView> {
  const v = parseInput(RequestIdInput, input);
  const { row } = await loadVisible(deps, actor, v.id);
  if (!isRequester(actor, row))
    throw new AppError('FORBIDDEN', 'only the requester can read the credentials of a grant');
  // Agents get their own grant's credentials here too: this is how `jitsudo exec` and the local
  // exec_with_access put them into a child's environment. Handing them to a model (MCP
  // get_credentials) is gated separately: agents/disclose-credentials.ts.
  const now = deps.now();
  if (row.state !== 'ACTIVE' || row.endReason !== null)
    throw new AppError(
      'CONFLICT',
      row.state === 'ACTIVE'
        ? `request ${row.id} is being revoked`
        : `request ${row.id} is ${row.state}, not ACTIVE`,
      { details: { state: row.state } },
    );
  const expiresAt = row.expiresAt;
  if (!expiresAt || expiresAt <= now || !row.credentialsEnc)
    throw new AppError('CONFLICT', `the grant of request ${row.id} has expired`, {
      details: { state: 'EXPIRED' },
    });
  const credentials = JSON.parse(
    decryptSecret(deps.keys.encryptionKey, row.credentialsEnc, row.id),
  ) as Record<string, string>;
  await transact(deps, (tx) =>
    audit(tx, {
      actor: actor.identity,
      actorKind: actor.kind,
      onBehalfOf: actor.agent?.owner,
      action: 'credentials.retrieved',
      requestId: row.id,
      provider: row.provider,
      resourceScope: row.resourceScope,
      outcome: 'success',
      details: { names: Object.keys(credentials).sort(), expires_at: expiresAt.toISOString() },
    }),
  );
  return {
    request_id: row.id,
    provider: row.provider,
    credentials,
    expires_at: expiresAt.toISOString(),
  };
}
