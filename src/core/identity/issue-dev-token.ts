import { z } from 'zod';
import { AppError } from '../errors.js';
import { DevClaims } from './dev-claims.js';
import { mintDevToken } from './mint-dev-token.js';
import type { IdentityDeps, MintedToken } from './types.js';

export const IssueDevTokenInput = DevClaims.extend({
  /** Requested lifetime; capped at `auth.dev_token_ttl_seconds`. */
  ttl_seconds: z.number().int().positive().optional(),
}).strict();
export type IssueDevTokenInput = z.infer<typeof IssueDevTokenInput>;

/**
 * Mints a token for whoever asks — only in dev mode, where the server is loopback-only (see
 * docs/adr/0002-dev-identity-mode.md). Refuses with FORBIDDEN in any other mode.
 */
export async function issueDevToken(deps: IdentityDeps, input: unknown): Promise<MintedToken> {
  if (deps.config.auth.mode !== 'dev')
    throw new AppError('FORBIDDEN', 'dev tokens are only issued when the server runs in dev identity mode');
  const r = IssueDevTokenInput.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new AppError('VALIDATION', `invalid ${issue.path.join('.') || 'input'}: ${issue.message}`);
  }
  const maxTtl = deps.config.auth.dev_token_ttl_seconds;
  return mintDevToken(deps.keys, {
    email: r.data.email,
    groups: r.data.groups,
    kind: r.data.kind,
    ttl: Math.min(r.data.ttl_seconds ?? maxTtl, maxTtl),
  });
}
