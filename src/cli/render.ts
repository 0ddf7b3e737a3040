/** Table renderings of API objects shared by several commands. */
import type { AuditEvent, ElevationRequest } from '../client/types.js';
import { formatDuration } from '../core/requests/duration.js';
import { clip, columns, labelled } from './output.js';

export function requestDetail(r: ElevationRequest): string {
  const last = r.approvals.at(-1);
  return labelled([
    ['ID', r.id],
    ['State', r.state],
    ['Requester', r.requester.identity + (r.requester.kind === 'agent' ? ' (agent)' : '')],
    ['Provider', r.provider],
    ['Role', r.role],
    ['Scope', r.resource_scope],
    ['Duration', formatDuration(r.duration_seconds)],
    ['Reason', r.reason],
    ['Break-glass', r.break_glass ? 'yes' : undefined],
    ['Approval', r.approver_tier ?? undefined],
    ['Approvals', quorumLine(r)],
    ['Approver groups', r.approver_groups?.length ? r.approver_groups.join(', ') : undefined],
    ['Step-up', r.step_up ? 'required (approve after a fresh `jitsudo login`)' : undefined],
    ['Decided by', last ? `${last.approver} (${last.decision})` : undefined],
    ['Comment', last?.comment],
    ['Expires', r.state === 'ACTIVE' ? (r.expires_at ?? undefined) : undefined],
    ['Pending until', r.state === 'PENDING' ? (r.pending_expires_at ?? undefined) : undefined],
    ['Error', r.error ?? undefined],
    ['Reaches', reaches(r.target)],
    ['Cleanup', r.cleanup ? `pending: ${r.cleanup.pending} (attempt ${r.cleanup.attempts})` : undefined],
    ['Metadata', Object.keys(r.metadata ?? {}).length ? r.metadata : undefined],
  ]);
}

/**
 * "2 of 3 approvals: alice, bob" (ADR 0044); nothing for requests no approver decides (auto-approved,
 * break-glass).
 */
export function quorumLine(r: ElevationRequest): string | undefined {
  if (r.approver_tier === 'auto' || r.break_glass || r.approvals_required === undefined) return undefined;
  const by = r.approved_by ?? [];
  return `${by.length} of ${r.approvals_required} approval${r.approvals_required === 1 ? '' : 's'}${by.length ? `: ${by.join(', ')}` : ''}`;
}

/** The roles a grant reaches beyond the one asked for, when the provider reported them. */
function reaches(target: Record<string, unknown> | null | undefined): string | undefined {
  const r = target?.reaches;
  if (!Array.isArray(r)) return undefined;
  return r.length ? r.join(', ') : 'nothing beyond the role itself';
}

export function requestRows(rs: ElevationRequest[]): string {
  return columns(
    ['ID', 'STATE', 'REQUESTER', 'PROVIDER', 'ROLE', 'SCOPE', 'REASON', 'APPROVALS'],
    rs.map((r) => [
      r.id,
      r.state,
      r.requester.identity,
      r.provider,
      clip(r.role, 24),
      clip(r.resource_scope, 24),
      clip(r.reason),
      r.approver_tier === 'auto' || r.break_glass
        ? ''
        : `${r.approved_by?.length ?? 0}/${r.approvals_required ?? 1}`,
    ]),
    'No requests found.',
  );
}

export function auditRows(events: AuditEvent[]): string {
  return columns(
    ['TIMESTAMP', 'ACTOR', 'ACTION', 'REQUEST', 'OUTCOME'],
    events.map((e) => [e.ts, e.actor, e.action, e.request_id ?? '', e.outcome]),
    'No audit events found.',
  );
}
