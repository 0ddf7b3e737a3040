/**
 * Wire types, inferred from the very zod schemas the server validates with and publishes in
 * /openapi.json — so the client cannot drift from the API (type-only imports: no server code loads).
 */
import type { z } from '@hono/zod-openapi';
import type * as Ag from '../http/schemas/agent.js';
import type * as A from '../http/schemas/audit.js';
import type * as E from '../http/schemas/extend.js';
import type * as O from '../http/schemas/outbox.js';
import type * as P from '../http/schemas/policy.js';
import type * as Pr from '../http/schemas/principal.js';
import type * as R from '../http/schemas/request.js';

export type ElevationRequest = z.infer<typeof R.ElevationRequest>;
export type RequestState = ElevationRequest['state'];
export type CreateRequestInput = z.input<typeof R.CreateRequestBody>;
export interface PageInput {
  page_size?: number;
  page_token?: string;
}
export type ListRequestsInput = Omit<z.input<typeof R.ListRequestsQuery>, 'mine' | 'pending'> &
  PageInput & { mine?: boolean; pending?: boolean };
export type RequestList = z.infer<typeof R.RequestList>;
export type ApproveInput = z.input<typeof R.ApproveBody>;
export type DenyInput = z.input<typeof R.DenyBody>;
export type ReasonInput = z.input<typeof R.ReasonBody>;
export type ExtendInput = z.input<typeof E.ExtendBody>;
export type Grant = z.infer<typeof R.Grant>;
export type Policy = z.infer<typeof P.Policy>;
export type PolicyList = z.infer<typeof P.PolicyList>;
export type ApplyPolicyInput = z.input<typeof P.ApplyPolicyBody>;
export type EvalPolicyInput = z.input<typeof P.EvalPolicyBody>;
export type EvalResult = z.infer<typeof P.EvalResult>;
export type ReloadResult = z.infer<typeof P.ReloadResult>;
export type OutboxStatus = z.infer<typeof O.OutboxStatus>;
export type RequeueInput = z.input<typeof O.RequeueBody>;
export type RequeueResult = z.infer<typeof O.RequeueResult>;
export type AuditEvent = z.infer<typeof A.AuditEvent>;
export type AuditList = z.infer<typeof A.AuditList>;
export type AuditQueryInput = z.input<typeof A.AuditQuery> & PageInput;
export type AuditVerifyResult = z.infer<typeof A.AuditVerifyResult>;
export type AuditVerifyInput = z.input<typeof A.AuditVerifyInput>;
export type Principal = z.infer<typeof Pr.Principal>;
export type PrincipalList = z.infer<typeof Pr.PrincipalList>;
export type ListPrincipalsInput = z.input<typeof Pr.ListPrincipalsQuery> & PageInput;
export type SetTrustTierInput = z.input<typeof Pr.SetTrustTierBody>;
export type Agent = z.infer<typeof Ag.Agent>;
export type CreatedAgent = z.infer<typeof Ag.CreatedAgent>;
export type RevokedAgent = z.infer<typeof Ag.RevokedAgent>;
export type RevokeAgentInput = z.input<typeof Ag.RevokeAgentBody>;
export type CreateAgentInput = z.input<typeof Ag.CreateAgentBody>;
export type AgentList = z.infer<typeof Ag.AgentList>;
export type ListAgentsInput = { owner?: string; include_revoked?: boolean } & PageInput;
export type EligibleAccess = z.infer<typeof Ag.EligibleAccess>;
export type EligibleAccessInput = z.input<typeof Ag.EligibleQuery>;

export interface Whoami {
  identity: string;
  kind: 'human' | 'agent' | 'service' | 'system';
  groups: string[];
  is_admin: boolean;
  scopes: string[];
}
export interface DevToken {
  token: string;
  expires_at: string;
}
export interface VersionInfo {
  version: string;
  api_versions: string[];
}
