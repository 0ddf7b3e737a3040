/**
 * A Kubernetes API server slice: RBAC (Roles, ClusterRoles, bindings), ServiceAccounts and the
 * TokenRequest subresource, with the apiserver's validation (names, labels, roleRef rules, token
 * lifetime bounds), Status objects on errors, and a tiny authorizer so a test can use an issued token.
 */
import { randomUUID } from 'node:crypto';
import { type FakeReply, type FakeRequest, HttpFake } from './http-fake.js';

type Obj = Record<string, any>;
const RBAC = '/apis/rbac.authorization.k8s.io/v1';
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const statusReply = (code: number, reason: string, message: string, details: Obj = {}): FakeReply => ({
  status: code,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    details,
    code,
  }),
});
const ok = (code: number, body: Obj): FakeReply => ({
  status: code,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

interface Route {
  kind:
    | 'clusterroles'
    | 'roles'
    | 'rolebindings'
    | 'clusterrolebindings'
    | 'serviceaccounts'
    | 'token'
    | 'pods';
  ns?: string;
  name?: string;
}

function route(path: string): Route | undefined {
  let m = new RegExp(`^${RBAC}/(clusterroles|clusterrolebindings)(?:/([^/]+))?$`).exec(path);
  if (m) return { kind: m[1] as Route['kind'], name: m[2] };
  m = new RegExp(`^${RBAC}/namespaces/([^/]+)/(roles|rolebindings)(?:/([^/]+))?$`).exec(path);
  if (m) return { kind: m[2] as Route['kind'], ns: m[1], name: m[3] };
  m = /^\/api\/v1\/namespaces\/([^/]+)\/serviceaccounts(?:\/([^/]+))?(\/token)?$/.exec(path);
  if (m) return { kind: m[3] ? 'token' : 'serviceaccounts', ns: m[1], name: m[2] };
  m = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(path);
  if (m) return { kind: 'pods', ns: m[1] };
  return undefined;
}

export class K8sFake {
  readonly adminToken = `admin-${randomUUID()}`;
  readonly namespaces = new Set(['default', 'kube-system', 'jitsudo-sessions']);
  /** `kind/ns/name` → object (ns empty for cluster-scoped). */
  readonly objects = new Map<string, Obj>();
  readonly tokens = new Map<string, { ns: string; sa: string; uid: string; exp: Date }>();
  maxTokenSeconds = 48 * 3600;
  readonly http = new HttpFake(
    (r: FakeRequest) => {
      const rt = route(r.path);
      const verb = { POST: 'create', GET: 'get', DELETE: 'delete', PUT: 'update' }[r.method] ?? r.method;
      return rt ? `k8s:${verb}:${rt.kind}` : `other:${r.path}`;
    },
    (r) => this.handle(r),
  );

  async start(): Promise<this> {
    await this.http.start();
    return this;
  }
  stop = () => this.http.stop();

  key = (kind: string, ns: string | undefined, name: string) => `${kind}/${ns ?? ''}/${name}`;
  addClusterRole(name: string) {
    this.objects.set(this.key('clusterroles', '', name), { metadata: { name }, rules: [] });
  }
  addRole(ns: string, name: string) {
    this.objects.set(this.key('roles', ns, name), { metadata: { name, namespace: ns }, rules: [] });
  }

  /** RBAC as the apiserver would answer "may `subject` use role bindings in `ns`?" (any bound, existing role). */
  allows(subject: { kind: string; name: string; namespace?: string }, ns: string): boolean {
    const match = (s: Obj) =>
      s.kind === subject.kind &&
      s.name === subject.name &&
      (subject.kind !== 'ServiceAccount' || s.namespace === subject.namespace);
    for (const [k, b] of this.objects) {
      const [kind, bns] = k.split('/');
      if (kind === 'rolebindings' && bns !== ns) continue;
      if (kind !== 'rolebindings' && kind !== 'clusterrolebindings') continue;
      if (!b.subjects?.some(match)) continue;
      const ref = b.roleRef;
      const roleKey =
        ref.kind === 'Role' ? this.key('roles', bns, ref.name) : this.key('clusterroles', '', ref.name);
      if (this.objects.has(roleKey)) return true;
    }
    return false;
  }

  private handle(r: FakeRequest): FakeReply {
    const bearer = String(r.headers.authorization ?? '').replace(/^Bearer /, '');
    const rt = route(r.path);
    if (!rt)
      return statusReply(404, 'NotFound', `the server could not find the requested resource (${r.path})`);
    if (rt.kind === 'pods') return this.podsAs(bearer, rt.ns!);
    if (bearer !== this.adminToken) return statusReply(401, 'Unauthorized', 'Unauthorized');
    if (rt.ns && !this.namespaces.has(rt.ns))
      return statusReply(404, 'NotFound', `namespaces "${rt.ns}" not found`, {
        name: rt.ns,
        kind: 'namespaces',
      });
    if (rt.kind === 'token') return this.tokenRequest(rt, JSON.parse(r.body || '{}'));
    const k = (name: string) => this.key(rt.kind, rt.ns, name);
    if (r.method === 'GET' && rt.name) {
      const o = this.objects.get(k(rt.name));
      return o
        ? ok(200, o)
        : statusReply(404, 'NotFound', `${rt.kind} "${rt.name}" not found`, { name: rt.name, kind: rt.kind });
    }
    if (r.method === 'DELETE' && rt.name) {
      const o = this.objects.get(k(rt.name));
      if (!o)
        return statusReply(404, 'NotFound', `${rt.kind} "${rt.name}" not found`, {
          name: rt.name,
          kind: rt.kind,
        });
      this.objects.delete(k(rt.name));
      if (rt.kind === 'serviceaccounts')
        for (const [t, v] of this.tokens) if (v.uid === o.metadata.uid) this.tokens.delete(t);
      return ok(200, {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Success',
        details: { name: rt.name, kind: rt.kind, uid: o.metadata.uid },
      });
    }
    if (r.method === 'POST' && !rt.name) return this.create(rt, JSON.parse(r.body || '{}'), k);
    return statusReply(405, 'MethodNotAllowed', `${r.method} not supported here`);
  }

  private create(rt: Route, body: Obj, k: (n: string) => string): FakeReply {
    const name: string = body.metadata?.name ?? '';
    const invalid = this.validate(rt, body);
    if (invalid)
      return statusReply(422, 'Invalid', `${rt.kind} "${name}" is invalid: ${invalid}`, {
        name,
        kind: rt.kind,
      });
    if (this.objects.has(k(name)))
      return statusReply(409, 'AlreadyExists', `${rt.kind} "${name}" already exists`, {
        name,
        kind: rt.kind,
      });
    const obj = {
      ...body,
      metadata: {
        ...body.metadata,
        ...(rt.ns ? { namespace: rt.ns } : {}),
        uid: randomUUID(),
        resourceVersion: '1',
        creationTimestamp: new Date().toISOString(),
      },
    };
    this.objects.set(k(name), obj);
    return ok(201, obj);
  }

  private validate(rt: Route, b: Obj): string | undefined {
    const name: string = b.metadata?.name ?? '';
    if (rt.kind === 'serviceaccounts') {
      if (name.length > 253 || !DNS_SUBDOMAIN.test(name))
        return "metadata.name: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'";
    } else if (!name || name === '.' || name === '..' || /[/%]/.test(name))
      return `metadata.name: Invalid value: "${name}"`;
    for (const [lk, lv] of Object.entries(b.metadata?.labels ?? {}))
      if (String(lv).length > 63 || !LABEL_VALUE.test(String(lv)) || lk.split('/').at(-1)!.length > 63)
        return `metadata.labels: Invalid value: "${lv}"`;
    if (rt.kind === 'rolebindings' || rt.kind === 'clusterrolebindings') {
      const ref = b.roleRef ?? {};
      if (ref.apiGroup !== 'rbac.authorization.k8s.io') return 'roleRef.apiGroup: Unsupported value';
      if (
        rt.kind === 'clusterrolebindings'
          ? ref.kind !== 'ClusterRole'
          : !['Role', 'ClusterRole'].includes(ref.kind)
      )
        return `roleRef.kind: Unsupported value: "${ref.kind}"`;
      for (const s of b.subjects ?? []) {
        if (
          s.kind === 'ServiceAccount'
            ? !s.namespace || !DNS_LABEL.test(s.namespace)
            : s.apiGroup !== 'rbac.authorization.k8s.io'
        )
          return `subjects: Invalid value: ${JSON.stringify(s)}`;
        if (!['User', 'Group', 'ServiceAccount'].includes(s.kind) || !s.name)
          return `subjects.kind: Unsupported value: "${s.kind}"`;
      }
    }
    return undefined;
  }

  private tokenRequest(rt: Route, body: Obj): FakeReply {
    const sa = this.objects.get(this.key('serviceaccounts', rt.ns, rt.name!));
    if (!sa) return statusReply(404, 'NotFound', `serviceaccounts "${rt.name}" not found`);
    const want = body.spec?.expirationSeconds ?? 3600;
    if (want < 600)
      return statusReply(
        422,
        'Invalid',
        'spec.expirationSeconds: Invalid value: may not specify a duration less than 10 minutes',
      );
    const secs = Math.min(want, this.maxTokenSeconds);
    const token = `sa-token-${randomUUID()}`;
    const exp = new Date(Date.now() + secs * 1000);
    this.tokens.set(token, { ns: rt.ns!, sa: rt.name!, uid: sa.metadata.uid, exp });
    return ok(201, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      metadata: { name: rt.name, namespace: rt.ns },
      spec: { ...body.spec, expirationSeconds: secs },
      status: { token, expirationTimestamp: exp.toISOString().replace(/\.\d{3}Z$/, 'Z') },
    });
  }

  /** `kubectl get pods` with an issued token: authenticated if the SA still exists, authorized by RBAC. */
  private podsAs(token: string, ns: string): FakeReply {
    const t = this.tokens.get(token);
    const sa = t && this.objects.get(this.key('serviceaccounts', t.ns, t.sa));
    if (!t || !sa || sa.metadata.uid !== t.uid || t.exp <= new Date())
      return statusReply(401, 'Unauthorized', 'Unauthorized');
    if (!this.allows({ kind: 'ServiceAccount', name: t.sa, namespace: t.ns }, ns))
      return statusReply(
        403,
        'Forbidden',
        `pods is forbidden: User "system:serviceaccount:${t.ns}:${t.sa}" cannot list resource "pods" in namespace "${ns}"`,
      );
    return ok(200, { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: [] });
  }
}
