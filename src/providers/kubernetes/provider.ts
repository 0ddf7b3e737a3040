/**
 * Kubernetes RBAC: a RoleBinding (namespace) or ClusterRoleBinding (`<cluster>/*`) per request to an
 * existing (Cluster)Role, labelled and annotated with request id and expiry. Optionally a per-grant
 * ServiceAccount with a short-lived token and a kubeconfig. Kubernetes has no expiry on bindings:
 * the sweeper deletes them; deleting the ServiceAccount also invalidates its tokens at once.
 */
import type { GrantRef, GrantRequest, GrantResult, Provider } from '../../core/providers/types.js';
import { ProviderError } from '../../core/providers/types.js';
import { clock, type ProviderDeps } from '../shared/deps.js';
import { retryingCall } from '../shared/retry.js';
import { cappedDuration, validateCommon } from '../shared/validate.js';
import type { ClusterClients, createClusterClients } from './clusters.js';
import type { KubernetesSection } from './config.js';
import { k8sStatus, toK8sError } from './errors.js';
import { ANNOTATION, bindingFor, kubeconfigFor, REQUEST_LABEL, serviceAccountFor } from './objects.js';
import { type K8sTarget, parseTarget } from './target.js';

type Meta = { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> } };

export function createKubernetesProvider(
  cfg: KubernetesSection,
  clientsFor: ReturnType<typeof createClusterClients>,
  deps: ProviderDeps,
): Provider {
  const now = clock(deps);
  const call = retryingCall(cfg.retry, toK8sError, deps);
  const target = (req: GrantRequest) => {
    validateCommon('kubernetes', req);
    return parseTarget(cfg, req);
  };
  const where = (t: K8sTarget) =>
    `${t.namespace ? `namespace ${t.namespace}` : 'the whole cluster'} of cluster ${t.cluster}`;
  const notFound = (e: unknown) => k8sStatus(e) === 404;

  /** Creates `create()`'s object, or accepts an existing one only if this request made it. */
  async function ensure<T extends Meta>(
    what: string,
    t: K8sTarget,
    req: GrantRequest,
    create: () => Promise<T>,
    read: () => Promise<T>,
  ): Promise<T> {
    return call(`create ${what} in`, where(t), async () => {
      try {
        return await create();
      } catch (e) {
        if (k8sStatus(e) !== 409) throw e;
        const existing = await read();
        if (existing.metadata?.labels?.[REQUEST_LABEL] === req.requestId) return existing;
        throw new ProviderError(
          'kubernetes',
          `${what} already exists in ${where(t)} and was not made for ${req.requestId}`,
          false,
          { cause: e },
        );
      }
    });
  }

  async function roleMustExist(c: ClusterClients, t: K8sTarget): Promise<void> {
    await call('read roles in', where(t), async () => {
      try {
        if (t.roleKind === 'ClusterRole') await c.rbac.readClusterRole({ name: t.roleName });
        else await c.rbac.readNamespacedRole({ name: t.roleName, namespace: t.namespace! });
      } catch (e) {
        if (notFound(e))
          throw new ProviderError(
            'kubernetes',
            `${t.roleKind} ${t.roleName} does not exist in ${where(t)}`,
            false,
            { cause: e },
          );
        throw e;
      }
    });
  }

  async function issueToken(
    c: ClusterClients,
    t: K8sTarget,
    expiresAt: Date,
  ): Promise<{ token: string; expiresAt: Date }> {
    const sa = t.serviceAccount!;
    // The apiserver refuses tokens under 10 minutes; a shorter grant is still cut by deleting the ServiceAccount.
    const seconds = Math.max(600, Math.ceil((expiresAt.getTime() - now().getTime()) / 1000));
    const out = await call('issue a token in', where(t), () =>
      c.core.createNamespacedServiceAccountToken({
        name: sa.name,
        namespace: sa.namespace,
        body: { spec: { expirationSeconds: seconds, audiences: [] } },
      }),
    );
    return { token: out.status!.token, expiresAt: new Date(out.status!.expirationTimestamp!) };
  }

  const kubeconfigOf = (c: ClusterClients, t: K8sTarget, token: string) => ({
    KUBECONFIG: kubeconfigFor({
      cluster: t.cluster,
      server: c.server,
      caData: c.caData,
      insecure: c.insecure,
      token,
      namespace: t.namespace,
    }),
  });

  const readBinding = (c: ClusterClients, t: K8sTarget) =>
    t.namespace
      ? c.rbac.readNamespacedRoleBinding({ name: t.bindingName, namespace: t.namespace })
      : c.rbac.readClusterRoleBinding({ name: t.bindingName });

  return {
    name: 'kubernetes',
    validate(req) {
      target(req);
    },

    async grant(req): Promise<GrantResult> {
      const t = target(req);
      const c = clientsFor(t.cluster);
      let expiresAt = new Date(now().getTime() + cappedDuration(req, cfg.max_duration_seconds) * 1000);
      await roleMustExist(c, t);
      if (t.serviceAccount) {
        const body = serviceAccountFor(t, req, cfg.managed_label, expiresAt);
        const sa = t.serviceAccount;
        await ensure(
          'the ServiceAccount',
          t,
          req,
          () => c.core.createNamespacedServiceAccount({ namespace: sa.namespace, body }),
          () => c.core.readNamespacedServiceAccount({ name: sa.name, namespace: sa.namespace }),
        );
      }
      const body = bindingFor(t, req, cfg.managed_label, expiresAt);
      const binding = await ensure(
        `${body.kind} ${t.bindingName}`,
        t,
        req,
        () =>
          t.namespace
            ? c.rbac.createNamespacedRoleBinding({ namespace: t.namespace, body })
            : c.rbac.createClusterRoleBinding({ body }),
        () => readBinding(c, t),
      );
      // A retried grant keeps the expiry recorded on the binding it made the first time.
      const recorded = binding.metadata?.annotations?.[ANNOTATION.expiresAt];
      if (recorded) expiresAt = new Date(recorded);
      const handle = {
        bindingKind: body.kind,
        bindingName: t.bindingName,
        ...(t.serviceAccount ? { serviceAccount: t.serviceAccount.name } : {}),
      };
      if (!t.serviceAccount)
        return {
          expiresAt,
          credentials: {
            JITSUDO_K8S_CLUSTER: t.cluster,
            JITSUDO_K8S_NAMESPACE: t.namespace ?? '*',
            JITSUDO_K8S_ROLE: `${t.roleKind}/${t.roleName}`,
          },
          handle,
          notice: `Bound to your own cluster identity (${t.subject.kind} ${t.subject.name}); use your usual kubeconfig for cluster ${t.cluster}.`,
        };
      const tok = await issueToken(c, t, expiresAt);
      return {
        expiresAt: tok.expiresAt < expiresAt ? tok.expiresAt : expiresAt,
        credentials: kubeconfigOf(c, t, tok.token),
        handle,
        notice:
          'KUBECONFIG holds a kubeconfig file (write it to a 0600 file and point KUBECONFIG at it); its token works until this grant ends.',
      };
    },

    async revoke(ref: GrantRef) {
      const t = target(ref.request);
      const c = clientsFor(t.cluster);
      await call('delete the binding in', where(t), async () => {
        try {
          if (t.namespace)
            await c.rbac.deleteNamespacedRoleBinding({ name: t.bindingName, namespace: t.namespace });
          else await c.rbac.deleteClusterRoleBinding({ name: t.bindingName });
        } catch (e) {
          if (!notFound(e)) throw e;
        }
      });
      const sa = t.serviceAccount;
      if (!sa) return;
      await call('delete the ServiceAccount in', where(t), async () => {
        try {
          await c.core.deleteNamespacedServiceAccount({ name: sa.name, namespace: sa.namespace });
        } catch (e) {
          if (!notFound(e)) throw e;
        }
      });
    },

    /**
     * A binding has no expiry of its own (the sweeper deletes it); a ServiceAccount token does, so
     * one for the new end replaces it. A deleted binding (revoked) is never brought back.
     */
    async extend(ref: GrantRef, wanted: Date) {
      const t = target(ref.request);
      const c = clientsFor(t.cluster);
      const live = await call('read the binding in', where(t), () =>
        readBinding(c, t).then(
          () => true,
          (e: unknown) => (notFound(e) ? false : Promise.reject(e)),
        ),
      );
      if (!live)
        throw new ProviderError(
          'kubernetes',
          `the binding of this grant is gone from ${where(t)}; nothing to extend`,
          false,
        );
      if (!t.serviceAccount) return { expiresAt: wanted };
      const tok = await issueToken(c, t, wanted);
      return {
        expiresAt: tok.expiresAt < wanted ? tok.expiresAt : wanted,
        credentials: kubeconfigOf(c, t, tok.token),
      };
    },

    async isActive(ref: GrantRef) {
      const t = target(ref.request);
      const c = clientsFor(t.cluster);
      // An existing binding grants access whatever its expiry annotation says: only deletion ends it.
      return call('read the binding in', where(t), async () => {
        try {
          await readBinding(c, t);
          return true;
        } catch (e) {
          if (notFound(e)) return false;
          throw e;
        }
      });
    },
  };
}
