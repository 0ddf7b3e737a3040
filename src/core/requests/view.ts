/**
 * The outward shape of a request (snake_case, as every surface returns it) and the list cursor.
 * Never carries credentials, the encrypted blob or the provider handle.
 */
import type { ApprovalRow } from '../db/approvals-repo.js';
import type { RequestRow } from '../db/requests-repo.js';
import { decodePageToken, encodePageToken } from '../validation/page-token.js';
import { isStorableTime } from '../validation/time.js';
import { countedApprovals } from './quorum.js';

export interface ApprovalView {
  approver: string;
  approver_kind: string;
  on_behalf_of?: string;
  decision: 'approved' | 'denied' | 'escalated';
  comment: string;
  reasoning?: Record<string, unknown>;
  created_at: string;
}

export interface RequestView {
  id: string;
  state: RequestRow['state'];
  requester: {
    identity: string;
    kind: 'human' | 'agent' | 'service';
    agent?: { id?: string; name: string; owner: string };
  };
  provider: string;
  role: string;
  resource_scope: string;
  duration_seconds: number;
  reason: string;
  break_glass: boolean;
  metadata: Record<string, string>;
  approver_tier: RequestRow['approverTier'];
  /** N of M: how many distinct approvers the request needs, fixed at creation (ADR 0044). */
  approvals_required: number;
  /** An approver must be in one of these groups; empty: no group restriction. */
  approver_groups: string[];
  /** Approving needs a fresh IdP sign-in, not a Slack click (ADR 0050); fixed at creation. */
  step_up: boolean;
  /** Who has approved so far, counting toward approvals_required (one per person, oldest first). */
  approved_by: string[];
  approvals: ApprovalView[];
  created_at: string;
  updated_at: string;
  approved_at: string | null;
  granted_at: string | null;
  expires_at: string | null;
  pending_expires_at: string | null;
  ended_at: string | null;
  /** Why the request ended, or — while still ACTIVE — that revocation is under way. */
  end_reason: string | null;
  grant_attempts: number;
  revoke_attempts: number;
  /** When the next retry of a failed grant or revoke is due. */
  next_retry_at: string | null;
  error: string | null;
  /**
   * What the grant really gives, as the provider read it at creation (e.g. every database role a
   * role reaches); null when the provider does not say. Approvers see this, not just the role name.
   */
  target: Record<string, unknown> | null;
  /**
   * Access is cut, but something is left at the target that the sweeper keeps removing
   * (docs/adr/0033-access-cut-and-cleanup.md); null when nothing is left.
   */
  cleanup: { pending: string; attempts: number; next_retry_at: string | null; error: string | null } | null;
  /** Set on an extension (ADR 0045): the grant whose expiry its approval moves. */
  extends_request_id?: string;
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
const DECISION = { approve: 'approved', deny: 'denied', escalate: 'escalated' } as const;

/** Maps a row and its decisions to the public view. */
export function toRequestView(r: RequestRow, approvals: readonly ApprovalRow[] = []): RequestView {
  const retrying =
    (r.state === 'APPROVED' || (r.state === 'ACTIVE' && r.endReason !== null)) && r.lastError !== null;
  return {
    id: r.id,
    state: r.state,
    requester: {
      identity: r.requesterIdentity,
      kind: r.requesterKind,
      ...(r.agentName
        ? { agent: { ...(r.agentId ? { id: r.agentId } : {}), name: r.agentName, owner: r.agentOwner ?? '' } }
        : {}),
    },
    provider: r.provider,
    role: r.role,
    resource_scope: r.resourceScope,
    duration_seconds: r.durationSeconds,
    reason: r.reason,
    break_glass: r.breakGlass,
    metadata: r.metadata,
    approver_tier: r.approverTier,
    approvals_required: r.approvalsRequired,
    approver_groups: [...r.approverGroups],
    step_up: r.stepUp,
    approved_by: countedApprovals(approvals).map((a) => a.actorIdentity),
    approvals: approvals.map((a) => ({
      approver: a.actorIdentity,
      approver_kind: a.actorKind,
      ...(a.onBehalfOf ? { on_behalf_of: a.onBehalfOf } : {}),
      decision: DECISION[a.decision],
      comment: a.comment,
      ...(a.reasoning ? { reasoning: a.reasoning } : {}),
      created_at: a.createdAt.toISOString(),
    })),
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
    approved_at: iso(r.approvedAt),
    granted_at: iso(r.grantedAt),
    expires_at: iso(r.expiresAt),
    pending_expires_at: r.state === 'PENDING' ? iso(r.pendingExpiresAt) : null,
    ended_at: iso(r.endedAt),
    end_reason: r.endReason,
    grant_attempts: r.grantAttempts,
    revoke_attempts: r.revokeAttempts,
    next_retry_at: retrying ? iso(r.nextAttemptAt) : null,
    error: r.state === 'FAILED' || retrying ? r.lastError : null,
    target: r.targetFacts ?? null,
    cleanup:
      r.cleanupPending === null
        ? null
        : {
            pending: r.cleanupPending,
            attempts: r.cleanupAttempts,
            next_retry_at: iso(r.cleanupNextAt),
            error: r.cleanupError,
          },
    ...(r.extendsRequestId ? { extends_request_id: r.extendsRequestId } : {}),
  };
}

/** Opaque cursor for (created_at, id), newest-first paging. */
export function encodeCursor(r: Pick<RequestRow, 'createdAt' | 'id'>): string {
  return encodePageToken(`${r.createdAt.toISOString()}|${r.id}`);
}

/** Decodes a cursor; throws AppError VALIDATION for anything that is not one of ours (year 0000 included). */
export function decodeCursor(token: string): { createdAt: Date; id: string } {
  return decodePageToken(token, (text) => {
    const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)\|(req_[0-9A-HJKMNP-TV-Z]{26})$/.exec(text);
    const createdAt = new Date(m?.[1] ?? Number.NaN);
    return m && isStorableTime(createdAt) ? { createdAt, id: m[2]! } : undefined;
  });
}
