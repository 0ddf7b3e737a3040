import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { GrantRef, GrantRequest, GrantResult } from '../../src/core/providers/types.js';
import { ProviderError } from '../../src/core/providers/types.js';
import { runProviderContract } from '../contract/provider-contract.js';
import { K8sFake } from '../fakes/k8s-fake.js';
import { runFaultSuite } from './support/faults.js';
import { k8sProvider, k8sRequest } from './support/kubernetes.js';

const fake = await new K8sFake().start();
fake.namespaces.add('team-a');
fake.addClusterRole('edit');
fake.addClusterRole('view');
fake.addRole('team-a', 'deployer');
afterAll(() => fake.stop());

const refOf = (request: GrantRequest, g: GrantResult): GrantRef => ({
  request,
  handle: g.handle,
  expiresAt: g.expiresAt,
});
const bindingOf = (ns: string, req: GrantRequest) =>
  fake.objects.get(fake.key('rolebindings', ns, `jitsudo-${req.requestId.toLowerCase()}`));
const withTokens = () =>
  k8sProvider(fake, {
    prod: {
      server: fake.http.url,
      token: fake.adminToken,
      issue_tokens: true,
      user_server: 'https://k8s.example.com',
    },
  });

/** `kubectl get pods` with a generated kubeconfig, through the official client. */
async function listPods(kubeconfig: string, ns: string): Promise<number> {
  const kc = new KubeConfig();
  // The kubeconfig names the public URL; dial the fake instead.
  kc.loadFromString(kubeconfig.replace('https://k8s.example.com', fake.http.url));
  try {
    await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: ns });
    return 200;
  } catch (e) {
    return (e as { code: number }).code;
  }
}

runProviderContract('kubernetes', () => k8sProvider(fake), k8sRequest, {
  invalid: [
    { name: 'an unknown cluster', change: { scope: 'staging/team-a' } },
    { name: 'a namespace that is not a DNS label', change: { scope: 'prod/Team_A' } },
    { name: 'a Role for a cluster-wide grant', change: { scope: 'prod/*', role: 'Role/deployer' } },
    { name: 'a role name with a slash', change: { role: 'ClusterRole/a/b' } },
    { name: 'a group the requester is not in', change: { metadata: { k8s_group: 'admins' } } },
  ],
  failing: {
    retryable: () => {
      fake.http.inject(
        'k8s:create:rolebindings',
        { kind: 'status', status: 503, body: '{"kind":"Status","code":503,"reason":"ServiceUnavailable"}' },
        3,
      );
      return k8sProvider(fake);
    },
    permanent: () => k8sProvider(fake, { prod: { server: fake.http.url, token: 'wrong-token' } }),
  },
});

describe('kubernetes', () => {
  it('creates a labelled, annotated RoleBinding to an existing ClusterRole for the user', async () => {
    const req = k8sRequest();
    const g = await k8sProvider(fake).grant(req);
    const b = bindingOf('team-a', req)!;
    expect(b.kind).toBe('RoleBinding');
    expect(b.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' });
    expect(b.subjects).toEqual([
      { kind: 'User', name: 'alice@example.com', apiGroup: 'rbac.authorization.k8s.io' },
    ]);
    expect(b.metadata.labels).toMatchObject({
      'jitsudo.dev/managed': 'true',
      'jitsudo.dev/request-id': req.requestId,
    });
    expect(b.metadata.annotations['jitsudo.dev/expires-at']).toBe(g.expiresAt.toISOString());
    expect(g.credentials).toEqual({
      JITSUDO_K8S_CLUSTER: 'prod',
      JITSUDO_K8S_NAMESPACE: 'team-a',
      JITSUDO_K8S_ROLE: 'ClusterRole/edit',
    });
    expect(fake.allows({ kind: 'User', name: 'alice@example.com' }, 'team-a')).toBe(true);
  });

  it('binds cluster-wide with `<cluster>/*`, namespaced Roles, and the requester’s own groups', async () => {
    const p = k8sProvider(fake);
    const wide = k8sRequest({ scope: 'prod/*', role: 'ClusterRole/view' });
    await p.grant(wide);
    expect(
      fake.objects.get(fake.key('clusterrolebindings', '', `jitsudo-${wide.requestId.toLowerCase()}`))?.kind,
    ).toBe('ClusterRoleBinding');
    const role = k8sRequest({ role: 'Role/deployer', metadata: { k8s_group: 'sre' } });
    await p.grant(role);
    expect(bindingOf('team-a', role)!.roleRef.kind).toBe('Role');
    expect(bindingOf('team-a', role)!.subjects[0]).toMatchObject({ kind: 'Group', name: 'sre' });
  });

  it('refuses a role that does not exist, and a name clash it did not make', async () => {
    const p = k8sProvider(fake);
    const missing = await p.grant(k8sRequest({ role: 'Role/nope' })).catch((e) => e);
    expect(missing).toBeInstanceOf(ProviderError);
    expect(missing.message).toMatch(/Role nope does not exist in namespace team-a of cluster prod/);
    const req = k8sRequest();
    fake.objects.set(fake.key('rolebindings', 'team-a', `jitsudo-${req.requestId.toLowerCase()}`), {
      metadata: { name: 'x', labels: {} },
    });
    const clash = await p.grant(req).catch((e) => e);
    expect(clash.message).toMatch(/already exists .* not made for/);
    expect(clash.retryable).toBe(false);
  });

  it('serves several clusters by name', async () => {
    const other = await new K8sFake().start();
    try {
      other.addClusterRole('edit');
      other.namespaces.add('team-a');
      const p = k8sProvider(fake, {
        prod: { server: fake.http.url, token: fake.adminToken },
        dev: { server: other.http.url, token: other.adminToken },
      });
      const req = k8sRequest({ scope: 'dev/team-a' });
      await p.grant(req);
      expect(
        other.objects.has(other.key('rolebindings', 'team-a', `jitsudo-${req.requestId.toLowerCase()}`)),
      ).toBe(true);
      expect(bindingOf('team-a', req)).toBeUndefined();
      expect(() => p.validate(k8sRequest({ scope: 'team-a' }))).toThrow(/configured cluster/);
    } finally {
      await other.stop();
    }
  });

  it('issues a short-lived ServiceAccount token and a kubeconfig that works until revoke', async () => {
    const p = withTokens();
    const req = k8sRequest();
    const g = await p.grant(req);
    const cfg = parse(g.credentials.KUBECONFIG!);
    expect(cfg.clusters[0].cluster.server).toBe('https://k8s.example.com');
    expect(cfg.contexts[0].context.namespace).toBe('team-a');
    const sa = fake.objects.get(fake.key('serviceaccounts', 'team-a', g.handle.serviceAccount as string))!;
    expect(sa.automountServiceAccountToken).toBe(false);
    expect(bindingOf('team-a', req)!.subjects).toEqual([
      { kind: 'ServiceAccount', name: sa.metadata.name, namespace: 'team-a' },
    ]);
    expect(await listPods(g.credentials.KUBECONFIG!, 'team-a')).toBe(200);
    expect(await listPods(g.credentials.KUBECONFIG!, 'default')).toBe(403);
    await p.revoke(refOf(req, g));
    expect(await listPods(g.credentials.KUBECONFIG!, 'team-a')).toBe(401);
    expect(JSON.stringify(g.handle)).not.toContain('sa-token-');
  });

  it('asks for at least 10 minutes of token and reports a shorter cap set by the apiserver', async () => {
    const p = withTokens();
    await p.grant(k8sRequest({ durationSeconds: 120 }));
    const tr = fake.http.requests.filter((r) => r.op === 'k8s:create:token').at(-1)!;
    expect(JSON.parse(tr.body).spec.expirationSeconds).toBe(600);
    fake.maxTokenSeconds = 900;
    try {
      const g = await p.grant(k8sRequest({ durationSeconds: 7200 }));
      expect(g.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(900_000);
    } finally {
      fake.maxTokenSeconds = 48 * 3600;
    }
  });

  it('maps a forbidden apiserver answer to a clear, permanent error', async () => {
    fake.http.inject(
      'k8s:create:rolebindings',
      {
        kind: 'status',
        status: 403,
        body: '{"kind":"Status","code":403,"reason":"Forbidden","message":"cannot bind"}',
      },
      1,
    );
    const e = await k8sProvider(fake)
      .grant(k8sRequest())
      .catch((x) => x);
    expect(e.retryable).toBe(false);
    expect(e.message).toMatch(/^jitsudod's identity may not create RoleBinding .* `bind` verb/);
  });

  it('notices a binding deleted out of band', async () => {
    const p = k8sProvider(fake);
    const req = k8sRequest();
    const ref = refOf(req, await p.grant(req));
    fake.objects.delete(fake.key('rolebindings', 'team-a', `jitsudo-${req.requestId.toLowerCase()}`));
    expect(await p.isActive(ref)).toBe(false);
  });
});

runFaultSuite({
  name: 'kubernetes',
  http: fake.http,
  grantOp: 'k8s:create:rolebindings',
  revokeOp: 'k8s:delete:rolebindings',
  throttle: {
    kind: 'status',
    status: 429,
    headers: { 'content-type': 'application/json', 'retry-after': '0' },
    body: '{"kind":"Status","code":429,"reason":"TooManyRequests"}',
  },
  forbidden: {
    kind: 'status',
    status: 403,
    headers: { 'content-type': 'application/json' },
    body: '{"kind":"Status","code":403,"reason":"Forbidden"}',
  },
  attempts: 3,
  timeoutMs: 400,
  provider: () => k8sProvider(fake),
  request: () => k8sRequest(),
  grantedInTarget: (ref) => bindingOf('team-a', ref.request) !== undefined,
});
