/** What a GCP grant binds: resource, role, member and the time-bound condition, validated as IAM would. */
import type { GrantRequest } from '../../core/providers/types.js';
import { invalid } from '../shared/validate.js';

const P = 'gcp';
const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const EMAIL = /^[^\s@:]+@[^\s@:]+\.[^\s@:]+$/;
const BASIC = new Set(['roles/owner', 'roles/editor', 'roles/viewer']);

export type ResourceKind = 'projects' | 'folders' | 'organizations';

export interface GcpTarget {
  kind: ResourceKind;
  resource: string;
  role: string;
  member: string;
  title: string;
}

/** `my-project`, `projects/my-project|123`, `folders/123`, `organizations/123`. */
export function parseResource(scope: string): { kind: ResourceKind; resource: string } {
  const s = scope.trim();
  if (PROJECT_ID.test(s)) return { kind: 'projects', resource: `projects/${s}` };
  const m = /^(projects|folders|organizations)\/([^/]+)$/.exec(s);
  const ok =
    m &&
    (m[1] === 'projects' ? PROJECT_ID.test(m[2]!) || /^\d{1,20}$/.test(m[2]!) : /^\d{1,20}$/.test(m[2]!));
  if (!ok)
    invalid(
      P,
      `scope "${scope}" must be a project id, projects/<id>, folders/<number> or organizations/<number>`,
    );
  return { kind: m![1] as ResourceKind, resource: s };
}

/** `storage.admin` → `roles/storage.admin`; custom roles are taken verbatim. Basic roles take no conditions. */
export function parseRole(role: string): string {
  const r = role.trim();
  const full = r.includes('/') ? r : `roles/${r}`;
  if (
    !/^(roles\/[a-zA-Z0-9_.]{1,256}|(projects|organizations)\/[^/]+\/roles\/[a-zA-Z0-9_.]{3,64})$/.test(full)
  )
    invalid(P, `role "${role}" is not roles/<name>, projects/<p>/roles/<id> or organizations/<o>/roles/<id>`);
  if (BASIC.has(full))
    invalid(
      P,
      `${full} is a basic role; IAM does not allow conditions on basic roles, so it cannot be granted for a limited time`,
    );
  return full;
}

/**
 * The IAM member: `serviceAccount:` for service-account identities, `user:` otherwise, or
 * `group:<email>` when metadata.gcp_group names one of the requester's own groups.
 */
export function memberFor(req: GrantRequest): string {
  const group = req.metadata.gcp_group;
  if (group !== undefined) {
    if (!EMAIL.test(group)) invalid(P, `metadata.gcp_group "${group}" is not a group email`);
    if (!req.principal.groups.includes(group))
      invalid(P, `requester is not a member of ${group}; only their own groups can be granted`);
    return `group:${group}`;
  }
  const who = req.principal.identity;
  if (!EMAIL.test(who)) invalid(P, `requester "${who}" is not an email address IAM can bind`);
  return who.endsWith('.gserviceaccount.com') ? `serviceAccount:${who}` : `user:${who}`;
}

export const conditionTitle = (prefix: string, requestId: string) => `${prefix}-${requestId}`;

/** CEL evaluated by IAM itself: access ends at `expiresAt` even if jitsudod is down. */
export const expiryExpression = (expiresAt: Date) =>
  `request.time < timestamp("${expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z')}")`;

/** The expiry of a condition written by expiryExpression, or undefined for anything else. */
export function expiryOf(expression: string | null | undefined): Date | undefined {
  const m = /^request\.time < timestamp\("(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"\)$/.exec(expression ?? '');
  return m ? new Date(m[1]!) : undefined;
}
