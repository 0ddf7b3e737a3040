import type { Actor } from '../actor.js';
import type { ServerKeys } from '../crypto/secrets.js';
import type { Executor } from '../db/client.js';
import { AppError } from '../errors.js';

/** What the audit verbs need from CoreDeps. */
export interface AuditDeps {
  db: Executor;
  keys: Pick<ServerKeys, 'signingKey' | 'signingPublicKey' | 'auditMacKeys' | 'trustedCheckpointKeys'>;
}

/** Whole-log operations (verify, export, checkpoint) are for admins and `auditor`-scoped tokens. */
export function assertAuditor(actor: Actor, what: string): void {
  if (!actor.isAdmin && !actor.scopes.includes('auditor'))
    throw new AppError('FORBIDDEN', `only administrators or auditors may ${what}`);
}
