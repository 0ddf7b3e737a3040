import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/core/errors.js';
import type { GrantRef, GrantRequest, GrantResult } from '../../src/core/providers/types.js';
import { ProviderError } from '../../src/core/providers/types.js';
import { runProviderContract } from '../contract/provider-contract.js';
import { GcpFake } from '../fakes/gcp-fake.js';
import { runFaultSuite } from './support/faults.js';
import { gcpProvider, gcpRequest, PROJECT } from './support/gcp.js';

const fake = await new GcpFake().start();
fake.add(`projects/${PROJECT}`);
fake.add('folders/1234567890');
fake.add('organizations/987654321');
fake.add('projects/locked-proj');
fake.forbidden.add('projects/locked-proj');
afterAll(() => fake.stop());

const refOf = (request: GrantRequest, g: GrantResult): GrantRef => ({
  request,
  handle: g.handle,
  expiresAt: g.expiresAt,
});
const bindingsOf = (res: string) => fake.resources.get(res)!.bindings;
const allowsAlice = (at?: Date) => (ref: GrantRef) =>
  fake.allows(`projects/${PROJECT}`, 'user:alice@example.com', String(ref.handle.role), at);
/** IAM honours exactly this request's binding (other grants to alice do not count). */
const thisGrantLive = (ref: GrantRef) =>
  bindingsOf(`projects/${PROJECT}`).some(
    (b) => b.condition?.title === ref.handle.title && b.members.includes('user:alice@example.com'),
  ) && ref.expiresAt.getTime() > Date.now();

runProviderContract('gcp', () => gcpProvider(fake), gcpRequest, {
  invalid: [
    { name: 'a scope that is not a project, folder or organization', change: { scope: 'billingAccounts/1' } },
    { name: 'a folder scope that is not numeric', change: { scope: 'folders/eng' } },
    { name: 'a basic role (conditions are not allowed on it)', change: { role: 'roles/owner' } },
    { name: 'a group the requester is not in', change: { metadata: { gcp_group: 'admins@example.com' } } },
  ],
  failing: {
    retryable: () => {
      fake.http.inject(
        'crm:setIamPolicy',
        {
          kind: 'status',
          status: 503,
          body: '{"error":{"code":503,"status":"UNAVAILABLE","message":"x"}}',
          headers: { 'content-type': 'application/json' },
        },
        3,
      );
      return gcpProvider(fake);
    },
    permanent: () => {
      fake.http.inject(
        'crm:getIamPolicy',
        {
          kind: 'status',
          status: 403,
          body: '{"error":{"code":403,"status":"PERMISSION_DENIED","message":"no"}}',
          headers: { 'content-type': 'application/json' },
        },
        1,
      );
      return gcpProvider(fake);
    },
  },
});

describe('gcp', () => {
  it('adds a conditional binding IAM itself expires, and keeps other bindings', async () => {
    bindingsOf(`projects/${PROJECT}`).push({ role: 'roles/viewer', members: ['group:everyone@example.com'] });
    const req = gcpRequest();
    const g = await gcpProvider(fake).grant(req);
    const mine = bindingsOf(`projects/${PROJECT}`).find(
      (b) => b.condition?.title === `jitsudo-${req.requestId}`,
    )!;
    expect(mine).toMatchObject({ role: 'roles/storage.admin', members: ['user:alice@example.com'] });
    expect(mine.condition!.expression).toBe(
      `request.time < timestamp("${g.expiresAt.toISOString().replace('.000Z', 'Z')}")`,
    );
    expect(g.expiresAt.getMilliseconds()).toBe(0);
    expect(bindingsOf(`projects/${PROJECT}`)).toContainEqual({
      role: 'roles/viewer',
      members: ['group:everyone@example.com'],
    });
    expect(g.credentials).toEqual({
      CLOUDSDK_CORE_ACCOUNT: 'alice@example.com',
      GOOGLE_CLOUD_PROJECT: PROJECT,
      CLOUDSDK_CORE_PROJECT: PROJECT,
    });
    // Expiry is enforced by IAM: the binding stops counting at the CEL time without any call from jitsudod.
    expect(allowsAlice()(refOf(req, g))).toBe(true);
    expect(allowsAlice(new Date(g.expiresAt.getTime() + 1000))(refOf(req, g))).toBe(false);
  });

  it('grants on folders and organizations, to service accounts and to the requester’s own groups', async () => {
    const p = gcpProvider(fake);
    const sa = await p.grant(
      gcpRequest({
        scope: 'folders/1234567890',
        principal: { identity: 'ci@proj.iam.gserviceaccount.com', kind: 'agent', groups: [] },
      }),
    );
    expect(
      fake.allows(
        'folders/1234567890',
        'serviceAccount:ci@proj.iam.gserviceaccount.com',
        'roles/storage.admin',
      ),
    ).toBe(true);
    expect(sa.credentials).toEqual({ CLOUDSDK_CORE_ACCOUNT: 'ci@proj.iam.gserviceaccount.com' });
    await p.grant(
      gcpRequest({
        scope: 'organizations/987654321',
        role: 'organizations/987654321/roles/breakGlass',
        metadata: { gcp_group: 'oncall@example.com' },
      }),
    );
    expect(
      fake.allows(
        'organizations/987654321',
        'group:oncall@example.com',
        'organizations/987654321/roles/breakGlass',
      ),
    ).toBe(true);
  });

  it('a retried grant keeps the expiry IAM already enforces', async () => {
    let now = Date.now();
    const p = gcpProvider(fake, {}, { now: () => new Date(now) });
    const req = gcpRequest();
    const a = await p.grant(req);
    now += 120_000;
    const b = await p.grant(req);
    expect(b.expiresAt).toEqual(a.expiresAt);
    expect(
      bindingsOf(`projects/${PROJECT}`).filter((x) => x.condition?.title === `jitsudo-${req.requestId}`),
    ).toHaveLength(1);
  });

  it('re-reads and re-applies when another writer changes the policy first (409 ABORTED)', async () => {
    fake.concurrentWrites = 2;
    const req = gcpRequest();
    const before = fake.http.count('crm:getIamPolicy');
    const g = await gcpProvider(fake).grant(req);
    expect(fake.http.count('crm:getIamPolicy') - before).toBe(3);
    expect(allowsAlice()(refOf(req, g))).toBe(true);
    fake.concurrentWrites = 100;
    try {
      const e = await gcpProvider(fake, { etag_retries: 3 })
        .grant(gcpRequest())
        .catch((x) => x);
      expect(e).toBeInstanceOf(ProviderError);
      expect(e.retryable).toBe(true);
      expect(e.message).toMatch(/kept changing/);
    } finally {
      fake.concurrentWrites = 0;
    }
  });

  it('cleanup removes jitsudo bindings whose time has passed, and nothing live', async () => {
    let now = Date.now();
    const p = gcpProvider(fake, {}, { now: () => new Date(now) });
    const short = gcpRequest({ durationSeconds: 60 });
    const long = gcpRequest({ durationSeconds: 7200 });
    const gs = await p.grant(short);
    const gl = await p.grant(long);
    await p.cleanup!(refOf(short, gs));
    expect(await p.isActive(refOf(short, gs))).toBe(true);
    now += 120_000;
    expect(await p.isActive(refOf(short, gs))).toBe(false);
    await p.cleanup!(refOf(long, gl)); // any grant's cleanup sweeps the resource's expired jitsudo bindings
    const titles = bindingsOf(`projects/${PROJECT}`).map((b) => b.condition?.title);
    expect(titles).not.toContain(`jitsudo-${short.requestId}`);
    expect(titles).toContain(`jitsudo-${long.requestId}`);
  });

  it('maps permission denied to a clear, permanent error and rejects basic roles before calling', async () => {
    const e = await gcpProvider(fake)
      .grant(gcpRequest({ scope: 'locked-proj' }))
      .catch((x) => x);
    expect(e).toBeInstanceOf(ProviderError);
    expect(e.retryable).toBe(false);
    expect(e.message).toMatch(/^jitsudod's identity may not read the IAM policy of projects\/locked-proj/);
    const calls = fake.http.requests.length;
    expect(() => gcpProvider(fake).validate(gcpRequest({ role: 'viewer' }))).toThrow(/basic role/);
    expect(() =>
      gcpProvider(fake).validate(
        gcpRequest({ principal: { identity: 'agt_01X', kind: 'agent', groups: [] } }),
      ),
    ).toThrow(AppError);
    expect(fake.http.requests.length).toBe(calls);
  });

  it('notices a binding removed out of band', async () => {
    const p = gcpProvider(fake);
    const req = gcpRequest();
    const ref = refOf(req, await p.grant(req));
    const res = fake.resources.get(`projects/${PROJECT}`)!;
    res.bindings = res.bindings.filter((b) => b.condition?.title !== `jitsudo-${req.requestId}`);
    expect(await p.isActive(ref)).toBe(false);
  });
});

runFaultSuite({
  name: 'gcp',
  http: fake.http,
  grantOp: 'crm:setIamPolicy',
  revokeOp: 'crm:setIamPolicy',
  throttle: {
    kind: 'status',
    status: 429,
    headers: { 'content-type': 'application/json' },
    body: '{"error":{"code":429,"status":"RESOURCE_EXHAUSTED","message":"Quota exceeded"}}',
  },
  forbidden: {
    kind: 'status',
    status: 403,
    headers: { 'content-type': 'application/json' },
    body: '{"error":{"code":403,"status":"PERMISSION_DENIED","message":"no"}}',
  },
  attempts: 3,
  timeoutMs: 400,
  provider: () => gcpProvider(fake),
  request: () => gcpRequest(),
  grantedInTarget: thisGrantLive,
});
