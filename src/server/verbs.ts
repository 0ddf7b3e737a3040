/**
 * The verbs the HTTP API calls: the core's bound verbs by name, then the audit and policy-store
 * verbs bound to the same deps where the core does not bind them itself. A verb nobody provides
 * answers with a clear error instead of crashing the route.
 */
import type { Actor } from '../core/actor.js';
import { exportAudit } from '../core/audit/export.js';
import { queryAudit } from '../core/audit/query.js';
import { verifyAudit } from '../core/audit/verify.js';
import type { Core } from '../core/create-core.js';
import { AppError } from '../core/errors.js';
import { requeueDeadDeliveries } from '../core/outbox/requeue.js';
import { getOutboxStatus } from '../core/outbox/status.js';
import {
  applyPolicy,
  deletePolicy,
  evalPolicy,
  getPolicy,
  listPolicies,
  reloadPolicies,
} from '../core/policies/index.js';
import { getPrincipal, listPrincipals, setTrustTier } from '../core/principals/index.js';
import { type HttpVerbs, MCP_ONLY_VERB_NAMES, VERB_NAMES, type Verb } from '../http/core-port.js';

const missing =
  (name: string): Verb =>
  async (_actor: Actor) => {
    throw new AppError('INTERNAL', `${name} is not available in this build`);
  };

/** Maps each HTTP operation to the verb of the same name; `overrides` win (tests). */
export function httpVerbs(core: Core, overrides: Partial<HttpVerbs> = {}): HttpVerbs {
  const bound = core as unknown as Record<string, Verb | undefined>;
  const d = core.deps;
  const fallbacks: Partial<HttpVerbs> = {
    queryAudit: (actor, input) => queryAudit(d, actor, input),
    verifyAudit: (actor, input) => verifyAudit(d, actor, input),
    exportAudit: async (actor) => exportAudit(d, actor),
    applyPolicy: (actor, input) => applyPolicy(d, actor, input),
    deletePolicy: (actor, input) => deletePolicy(d, actor, input),
    listPolicies: (actor, input) => listPolicies(d, actor, input),
    getPolicy: (actor, input) => getPolicy(d, actor, input),
    evalPolicy: (actor, input) => evalPolicy(d, actor, input),
    reloadPolicies: (actor, input) => reloadPolicies(d, actor, input),
    getOutboxStatus: (actor, input) => getOutboxStatus(d, actor, input),
    requeueDeadDeliveries: (actor, input) => requeueDeadDeliveries(d, actor, input),
    getPrincipal: (actor, input) => getPrincipal(d, actor, input),
    listPrincipals: (actor, input) => listPrincipals(d, actor, input),
    setTrustTier: (actor, input) => setTrustTier(d, actor, input),
  };
  return Object.fromEntries(
    [...VERB_NAMES, ...MCP_ONLY_VERB_NAMES].map((name) => [
      name,
      overrides[name] ?? bound[name] ?? fallbacks[name] ?? missing(name),
    ]),
  ) as HttpVerbs;
}
