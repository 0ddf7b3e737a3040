/**
 * Whether a grant's credentials may be handed to a caller whose output lands in a model's context
 * (MCP `get_credentials`). Off unless both say yes: the deployment, per provider
 * (`mcp.get_credentials_providers`), and policy, per request (`data.jitsudo.approval.
 * allow_credential_disclosure == true`, evaluated with the caller as `input.user`).
 */
import type { Actor } from '../actor.js';
import { type RequestRow, readTrustTier } from '../db/requests-repo.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';
import type { DecideOptions, PolicySet } from '../policy/types.js';
import { decideAt, policyInput, requestInput, userInput } from '../requests/policy-input.js';

/** The rule policy defines to allow disclosure, in package `jitsudo.approval`. */
export const DISCLOSURE_RULE = 'allow_credential_disclosure';

type Documented = PolicySet & {
  document?(path: readonly string[], input: unknown, opts?: DecideOptions): { value: unknown } | undefined;
};

function refuse(why: 'provider' | 'policy', provider: string): AppError {
  const message =
    why === 'provider'
      ? `credentials of ${provider} grants are not handed out to agents on this server (mcp.get_credentials_providers)`
      : `policy does not allow disclosing the credentials of this request (${DISCLOSURE_RULE})`;
  return new AppError('FORBIDDEN', message, { details: { disclosure: 'disabled', refused_by: why } });
}

/** Throws FORBIDDEN (details.disclosure = "disabled") unless config and policy both allow disclosure. */
export async function assertCredentialDisclosure(
  deps: CoreDeps,
  actor: Actor,
  row: RequestRow,
): Promise<void> {
  if (!deps.config.mcp.get_credentials_providers.includes(row.provider))
    throw refuse('provider', row.provider);
  const set = deps.policies.current() as Documented;
  if (typeof set.document !== 'function') throw refuse('policy', row.provider);
  const now = deps.now();
  const tier = await readTrustTier(deps.db, actor);
  let allowed = false;
  try {
    const doc = set.document(
      ['jitsudo', 'approval'],
      policyInput(userInput(actor), requestInput(row), tier, now),
      decideAt(now),
    );
    const value = doc?.value as Record<string, unknown> | undefined;
    allowed = value !== null && typeof value === 'object' && value[DISCLOSURE_RULE] === true;
  } catch {
    allowed = false; // a failing policy never discloses
  }
  if (!allowed) throw refuse('policy', row.provider);
}
