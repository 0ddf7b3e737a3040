/** Scope, role and subject of a Kubernetes grant, validated as the apiserver would. */
import type { GrantRequest } from '../../core/providers/types.js';
import { invalid } from '../shared/validate.js';
import type { KubernetesSection } from './config.js';

const P = 'kubernetes';
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** RBAC object names are path segments: no `/` or `%`, not `.` or `..`. */
const RBAC_NAME = /^(?!\.\.?$)[^/%\s]{1,253}$/;

export interface K8sTarget {
  cluster: string;
  /** Undefined for a cluster-wide grant (ClusterRoleBinding). */
  namespace?: string;
  roleKind: 'Role' | 'ClusterRole';
  roleName: string;
  bindingName: string;
  /** The ServiceAccount a token grant binds (issue_tokens clusters only). */
  serviceAccount?: { name: string; namespace: string };
  subject: { kind: 'User' | 'Group' | 'ServiceAccount'; name: string; namespace?: string; apiGroup?: string };
}

/** `jitsudo-<lower(request id)>`, as the Go original named its bindings. */
export const bindingNameFor = (requestId: string) => `jitsudo-${requestId.toLowerCase()}`;
/** ServiceAccounts need RFC 1123 names: underscores become dashes. */
export const serviceAccountNameFor = (requestId: string) =>
  `jitsudo-${requestId.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`.slice(0, 63).replace(/-+$/, '');

/** Scope grammar: `<cluster>/<namespace>`, `<cluster>/*` (cluster-wide), or without the cluster when one is implied. */
export function parseTarget(cfg: KubernetesSection, req: GrantRequest): K8sTarget {
  const scope = req.scope.trim();
  const names = Object.keys(cfg.clusters);
  const implied = cfg.default_cluster ?? (names.length === 1 ? names[0] : undefined);
  const parts = scope.split('/');
  if (parts.length > 2) invalid(P, `scope "${req.scope}" has too many parts; use <cluster>/<namespace>`);
  const [cluster, ns] = parts.length === 2 ? parts : [implied, scope];
  if (!cluster || !(cluster in cfg.clusters))
    invalid(
      P,
      `scope "${req.scope}" must be <cluster>/<namespace> or <cluster>/* with a configured cluster (${names.join(', ')})`,
    );
  if (!ns) invalid(P, `scope "${req.scope}" names no namespace; use <cluster>/* for a cluster-wide grant`);
  const namespace = ns === '*' ? undefined : ns;
  if (namespace !== undefined && (namespace.length > 63 || !DNS_LABEL.test(namespace)))
    invalid(P, `"${namespace}" is not a namespace name (lowercase RFC 1123 label, at most 63)`);
  const m = /^(?:(Role|ClusterRole)\/)?(.+)$/.exec(req.role.trim())!;
  const roleKind = (m[1] ?? 'ClusterRole') as K8sTarget['roleKind'];
  const roleName = m[2]!;
  if (!RBAC_NAME.test(roleName)) invalid(P, `"${roleName}" is not a valid ${roleKind} name`);
  if (roleKind === 'Role' && !namespace)
    invalid(P, 'a Role lives in a namespace; a cluster-wide grant needs a ClusterRole');
  const c = cfg.clusters[cluster]!;
  const base = { cluster, namespace, roleKind, roleName, bindingName: bindingNameFor(req.requestId) };
  if (c.issue_tokens) {
    const sa = { name: serviceAccountNameFor(req.requestId), namespace: namespace ?? c.token_namespace };
    return { ...base, serviceAccount: sa, subject: { kind: 'ServiceAccount', ...sa } };
  }
  const group = req.metadata.k8s_group;
  if (group !== undefined) {
    if (!req.principal.groups.includes(group))
      invalid(P, `requester is not in group "${group}"; only their own groups can be bound`);
    return { ...base, subject: { kind: 'Group', name: group, apiGroup: 'rbac.authorization.k8s.io' } };
  }
  return {
    ...base,
    subject: { kind: 'User', name: req.principal.identity, apiGroup: 'rbac.authorization.k8s.io' },
  };
}
