/**
 * Wire types, inferred from the very zod schemas the server validates with and publishes in
 * /openapi.json — so the client cannot drift from the API (type-only imports: no server code loads).
 */
import type { z } from '@hono/zod-openapi';
import type { AuditEvent, AuditList, AuditQuery, AuditVerifyResult } from '../http/schemas/audit.js';
import type {
  ApplyPolicyBody,
  EvalPolicyBody,
  EvalResult,
  Policy,
  PolicyList,
  ReloadResult,
} from '../http/schemas/policy.js';
import type { Principal, SetTrustTierBody } from '../http/schemas/principal.js';
import type {
  ApproveBody,
  CreateRequestBody,
  DenyBody,
  ElevationRequest,
  Grant,
  ListRequestsQuery,
  ReasonBody,
  RequestList,
} from '../http/schemas/request.js';

export type ElevationRequest = z.infer<typeof ElevationRequest>;
export type RequestState = ElevationRequest['state'];
export type CreateRequestInput = z.input<typeof CreateRequestBody>;
export interface PageInput {
  page_size?: number;
  page_token?: string;
}
export type ListRequestsInput = Omit<z.input<typeof ListRequestsQuery>, 'mine' | 'pending'> &
  PageInput & { mine?: boolean; pending?: boolean };
export type RequestList = z.infer<typeof RequestList>;
export type ApproveInput = z.input<typeof ApproveBody>;
export type DenyInput = z.input<typeof DenyBody>;
export type ReasonInput = z.input<typeof ReasonBody>;
export type Grant = z.infer<typeof Grant>;
export type Policy = z.infer<typeof Policy>;
export type PolicyList = z.infer<typeof PolicyList>;
export type ApplyPolicyInput = z.input<typeof ApplyPolicyBody>;
export type EvalPolicyInput = z.input<typeof EvalPolicyBody>;
export type EvalResult = z.infer<typeof EvalResult>;
export type ReloadResult = z.infer<typeof ReloadResult>;
export type AuditEvent = z.infer<typeof AuditEvent>;
export type AuditList = z.infer<typeof AuditList>;
export type AuditQueryInput = z.input<typeof AuditQuery> & PageInput;
export type AuditVerifyResult = z.infer<typeof AuditVerifyResult>;
export type Principal = z.infer<typeof Principal>;
export type SetTrustTierInput = z.input<typeof SetTrustTierBody>;

export interface Whoami {
  identity: string;
  kind: 'human' | 'agent' | 'system';
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
