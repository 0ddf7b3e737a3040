/**
 * discloseCredentials: getCredentials for callers whose output reaches a model (the MCP surface),
 * whoever they are: the requester only, and only when config and policy allow disclosure.
 */
import type { Actor } from '../actor.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';
import { isRequester } from '../requests/access.js';
import { type GrantView, getCredentials } from '../requests/get-credentials.js';
import { loadVisible, parseInput, RequestIdInput } from '../requests/load.js';
import { assertCredentialDisclosure } from './credential-disclosure.js';

/** Returns the credentials; invariant: never unless the requester asks and disclosure is allowed. */
export async function discloseCredentials(deps: CoreDeps, actor: Actor, input: unknown): Promise<GrantView> {
  const v = parseInput(RequestIdInput, input);
  const { row } = await loadVisible(deps, actor, v.id);
  if (!isRequester(actor, row))
    throw new AppError('FORBIDDEN', 'only the requester can read the credentials of a grant');
  await assertCredentialDisclosure(deps, actor, row);
  return getCredentials(deps, actor, { id: v.id });
}
