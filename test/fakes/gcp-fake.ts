/**
 * Cloud Resource Manager v3 IAM policies (projects, folders, organizations) over the REST fallback
 * @google-cloud/resource-manager uses: etags with 409 ABORTED on a stale write, version 3 required
 * for conditions, member/role/condition validation, and evaluation of `request.time < timestamp(…)`.
 */
import { randomUUID } from 'node:crypto';
import { type FakeReply, type FakeRequest, HttpFake } from './http-fake.js';

export interface Binding {
  role: string;
  members: string[];
  condition?: { expression: string; title: string; description?: string } | null;
}
interface Resource {
  version: number;
  etag: number;
  bindings: Binding[];
}

const status = (code: number, st: string, message: string): FakeReply => ({
  status: code,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ error: { code, message, status: st } }),
});
const MEMBER = /^(user|group|serviceAccount|domain):[^\s:]+$|^principal(Set)?:\/\/\S+$/;
const ROLE = /^(roles\/[a-zA-Z0-9_.]+|(projects|organizations)\/[^/]+\/roles\/[a-zA-Z0-9_.]{3,64})$/;
const CEL_TIME = /^request\.time < timestamp\("(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)"\)$/;
const etagOf = (n: number) => Buffer.from(`etag-${n}`).toString('base64');

export class GcpFake {
  readonly resources = new Map<string, Resource>();
  readonly forbidden = new Set<string>();
  /** Set to simulate a concurrent writer: the next N setIamPolicy calls see the etag move first. */
  concurrentWrites = 0;
  readonly http = new HttpFake(
    (r: FakeRequest) => {
      const m = /:(getIamPolicy|setIamPolicy)$/.exec(r.path);
      return m ? `crm:${m[1]}` : `other:${r.path}`;
    },
    (r) => this.handle(r),
  );

  async start(): Promise<this> {
    await this.http.start();
    return this;
  }
  stop = () => this.http.stop();

  add(resource: string): void {
    this.resources.set(resource, { version: 1, etag: 1, bindings: [] });
  }

  /** Would IAM honour `role` for `member` on `resource` at `at`? */
  allows(resource: string, member: string, role: string, at = new Date()): boolean {
    return (this.resources.get(resource)?.bindings ?? []).some((b) => {
      if (b.role !== role || !b.members.includes(member)) return false;
      if (!b.condition) return true;
      const t = CEL_TIME.exec(b.condition.expression)?.[1];
      return t !== undefined && at.getTime() < Date.parse(t);
    });
  }

  private handle(r: FakeRequest): FakeReply {
    if (!/^Bearer \S+/.test(String(r.headers.authorization ?? '')))
      return status(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
    const m = /^\/v3\/((?:projects|folders|organizations)\/[^/:]+):(getIamPolicy|setIamPolicy)$/.exec(r.path);
    if (!m || r.method !== 'POST') return status(404, 'NOT_FOUND', `unknown ${r.method} ${r.path}`);
    const [, name = '', method] = m;
    const res = this.resources.get(name);
    // Unknown and forbidden look alike, as in GCP: existence is not disclosed.
    if (!res || this.forbidden.has(name))
      return status(403, 'PERMISSION_DENIED', `The caller does not have permission to ${method} on ${name}`);
    const body = JSON.parse(r.body || '{}');
    if (method === 'getIamPolicy') {
      if (body.options?.requestedPolicyVersion !== 3 && res.bindings.some((b) => b.condition))
        return status(400, 'INVALID_ARGUMENT', 'Policy has conditions; requestedPolicyVersion 3 is required');
      return this.view(res);
    }
    return this.set(res, body);
  }

  private set(res: Resource, body: any): FakeReply {
    const p = body.policy ?? {};
    if (this.concurrentWrites > 0) {
      this.concurrentWrites--;
      res.etag++;
    }
    if (p.etag && p.etag !== etagOf(res.etag))
      return status(
        409,
        'ABORTED',
        'There were concurrent policy changes. Please retry the whole read-modify-write with exponential backoff.',
      );
    const bindings: Binding[] = p.bindings ?? [];
    const conditional = bindings.filter((b) => b.condition);
    if (conditional.length && p.version !== 3)
      return status(400, 'INVALID_ARGUMENT', 'Conditional bindings require policy version 3');
    if (conditional.length > 100)
      return status(400, 'INVALID_ARGUMENT', 'A policy can contain at most 100 conditional role bindings');
    for (const b of bindings) {
      if (!ROLE.test(b.role ?? ''))
        return status(
          400,
          'INVALID_ARGUMENT',
          `Role (${b.role}) does not exist in the resource's hierarchy.`,
        );
      if (!b.members?.length)
        return status(400, 'INVALID_ARGUMENT', 'A binding must have at least one member');
      for (const mem of b.members)
        if (!MEMBER.test(mem)) return status(400, 'INVALID_ARGUMENT', `Invalid member: ${mem}`);
      if (b.condition) {
        if (['roles/owner', 'roles/editor', 'roles/viewer'].includes(b.role))
          return status(400, 'INVALID_ARGUMENT', `Conditions are not supported for basic role ${b.role}`);
        if (
          !b.condition.title ||
          b.condition.title.length > 100 ||
          !b.condition.expression ||
          b.condition.expression.length > 12_800
        )
          return status(400, 'INVALID_ARGUMENT', 'Condition needs a title (<=100) and an expression');
      }
    }
    res.bindings = bindings.map((b) => ({
      role: b.role,
      members: [...b.members],
      ...(b.condition ? { condition: b.condition } : {}),
    }));
    res.version = conditional.length ? 3 : 1;
    res.etag++;
    return this.view(res);
  }

  private view(res: Resource): FakeReply {
    return {
      status: 200,
      headers: { 'content-type': 'application/json', 'x-goog-request-id': randomUUID() },
      body: JSON.stringify({ version: res.version, etag: etagOf(res.etag), bindings: res.bindings }),
    };
  }
}
