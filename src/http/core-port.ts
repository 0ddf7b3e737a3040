/**
 * What the HTTP surface needs from core: the verbs, bound to their deps (`createCore`), each
 * `(actor, input) → plain object`. Handlers call exactly one of these and map the result.
 */
import type { Actor } from '../core/actor.js';

export type Verb = (actor: Actor, input: any) => Promise<any>;

export const VERB_NAMES = [
  'createRequest',
  'getRequest',
  'listRequests',
  'approveRequest',
  'denyRequest',
  'cancelRequest',
  'revokeRequest',
  'extendRequest',
  'reviewBreakGlass',
  'getCredentials',
  'listEligibleAccess',
  'createAgent',
  'listAgents',
  'revokeAgent',
  'applyPolicy',
  'deletePolicy',
  'listPolicies',
  'getPolicy',
  'evalPolicy',
  'reloadPolicies',
  'getOutboxStatus',
  'requeueDeadDeliveries',
  'queryAudit',
  'verifyAudit',
  'exportAudit',
  'getPrincipal',
  'listPrincipals',
  'setTrustTier',
] as const;
export type VerbName = (typeof VERB_NAMES)[number];

/** Verbs only the MCP endpoint (mounted by createApp at /mcp) calls: no HTTP operation of their own. */
export const MCP_ONLY_VERB_NAMES = ['escalateRequest', 'discloseCredentials'] as const;

export type HttpVerbs = Record<VerbName | (typeof MCP_ONLY_VERB_NAMES)[number], Verb>;
