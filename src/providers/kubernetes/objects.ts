/** The objects a grant creates (labelled and annotated for humans and the sweeper) and the kubeconfig it hands out. */
import type { V1ClusterRoleBinding, V1RoleBinding, V1ServiceAccount } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import type { GrantRequest } from '../../core/providers/types.js';
import type { K8sTarget } from './target.js';

export const ANNOTATION = {
  expiresAt: 'jitsudo.dev/expires-at',
  requestId: 'jitsudo.dev/request-id',
  user: 'jitsudo.dev/user',
  reason: 'jitsudo.dev/reason',
} as const;
export const REQUEST_LABEL = 'jitsudo.dev/request-id';

function metadata(t: K8sTarget, req: GrantRequest, managedLabel: string, expiresAt: Date, name: string) {
  return {
    name,
    ...(t.namespace ? { namespace: t.namespace } : {}),
    labels: {
      [managedLabel]: 'true',
      [REQUEST_LABEL]: req.requestId,
      // Epoch seconds: a label value (no colons) the sweeper can select on.
      'jitsudo.dev/expires-at': String(Math.floor(expiresAt.getTime() / 1000)),
    },
    annotations: {
      [ANNOTATION.expiresAt]: expiresAt.toISOString(),
      [ANNOTATION.requestId]: req.requestId,
      [ANNOTATION.user]: req.principal.identity,
      [ANNOTATION.reason]: req.reason.slice(0, 1024),
    },
  };
}

export function bindingFor(
  t: K8sTarget,
  req: GrantRequest,
  managedLabel: string,
  expiresAt: Date,
): V1RoleBinding | V1ClusterRoleBinding {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: t.namespace ? 'RoleBinding' : 'ClusterRoleBinding',
    metadata: metadata(t, req, managedLabel, expiresAt, t.bindingName),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: t.roleKind, name: t.roleName },
    subjects: [t.subject],
  };
}

export function serviceAccountFor(
  t: K8sTarget,
  req: GrantRequest,
  managedLabel: string,
  expiresAt: Date,
): V1ServiceAccount {
  const sa = t.serviceAccount!;
  const m = metadata({ ...t, namespace: sa.namespace }, req, managedLabel, expiresAt, sa.name);
  // The token must not be mountable into pods, only usable from the kubeconfig we hand out.
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: m, automountServiceAccountToken: false };
}

/** A self-contained kubeconfig for the issued token; `jitsudo exec` writes it to a 0600 file. */
export function kubeconfigFor(opts: {
  cluster: string;
  server: string;
  caData?: string;
  insecure?: boolean;
  token: string;
  namespace?: string;
}): string {
  const name = `jitsudo-${opts.cluster}`;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name,
        cluster: {
          server: opts.server,
          ...(opts.caData ? { 'certificate-authority-data': opts.caData } : {}),
          ...(opts.insecure ? { 'insecure-skip-tls-verify': true } : {}),
        },
      },
    ],
    users: [{ name, user: { token: opts.token } }],
    contexts: [
      {
        name,
        context: { cluster: name, user: name, ...(opts.namespace ? { namespace: opts.namespace } : {}) },
      },
    ],
    'current-context': name,
  });
}
