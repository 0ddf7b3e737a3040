/**
 * Provider.extend (ADR 0045) against what enforces the expiry: the GCP fake's IAM conditions, the
 * AWS fake's STS sessions, the Kubernetes fake's ServiceAccount tokens, and a real PostgreSQL
 * server's VALID UNTIL. None revives a revoked grant.
 */
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import postgres, { type Sql } from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GrantRef, GrantRequest, GrantResult, Provider } from '../../src/core/providers/types.js';
import { ProviderError } from '../../src/core/providers/types.js';
import type { PostgresProvider } from '../../src/providers/postgres/index.js';
import { AwsFake } from '../fakes/aws-fake.js';
import { GcpFake } from '../fakes/gcp-fake.js';
import { K8sFake } from '../fakes/k8s-fake.js';
import { ACCOUNT, awsProvider, awsRequest } from './support/aws.js';
import { gcpProvider, gcpRequest, PROJECT } from './support/gcp.js';
import { k8sProvider, k8sRequest } from './support/kubernetes.js';
import { connectAs, PG_URL, pgProvider, pgRequest, setupScratch } from './support/postgres.js';

const refOf = (request: GrantRequest, g: GrantResult): GrantRef => ({
  request,
  handle: g.handle,
  expiresAt: g.expiresAt,
});
const HOUR = 3_600_000;
const secondsFromNow = (d: Date) => (d.getTime() - Date.now()) / 1000;

/** The refusal of an extension of a grant that is gone: permanent, so core fails it at once. */
async function refusedAsGone(p: Provider, ref: GrantRef) {
  const e = await p.extend!(ref, new Date(Date.now() + 2 * HOUR)).then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ProviderError);
  expect((e as ProviderError).retryable).toBe(false);
}

describe('gcp: the IAM condition moves', () => {
  const fake = new GcpFake();
  beforeAll(async () => {
    await fake.start();
    fake.add(`projects/${PROJECT}`);
  });
  afterAll(() => fake.stop());
  const binding = (title: unknown) =>
    fake.resources.get(`projects/${PROJECT}`)!.bindings.find((b) => b.condition?.title === title);

  it('rewrites the condition to the new end; IAM honours the grant until then', async () => {
    const p = gcpProvider(fake);
    const req = gcpRequest();
    const g = await p.grant(req);
    const wanted = new Date(g.expiresAt.getTime() + HOUR + 400); // sub-second part dropped
    const out = await p.extend!(refOf(req, g), wanted);
    expect(out.expiresAt.getTime()).toBe(g.expiresAt.getTime() + HOUR);
    expect(out.credentials).toBeUndefined();
    expect(binding(g.handle.title)!.condition!.expression).toBe(
      `request.time < timestamp("${out.expiresAt.toISOString().replace('.000Z', 'Z')}")`,
    );
    const between = new Date(g.expiresAt.getTime() + HOUR / 2);
    expect(fake.allows(`projects/${PROJECT}`, 'user:alice@example.com', 'roles/storage.admin', between)).toBe(
      true,
    );
    expect(await p.isActive({ ...refOf(req, g), expiresAt: out.expiresAt })).toBe(true);
    // Idempotent: the same end again writes nothing new.
    expect((await p.extend!(refOf(req, g), wanted)).expiresAt).toEqual(out.expiresAt);
  });

  it('a revoked grant is not brought back', async () => {
    const p = gcpProvider(fake);
    const req = gcpRequest();
    const g = await p.grant(req);
    await p.revoke(refOf(req, g));
    await refusedAsGone(p, refOf(req, g));
    expect(binding(g.handle.title)).toBeUndefined();
  });
});

describe('aws sts_assume_role: credentials re-issued for the new end', () => {
  const fake = new AwsFake();
  beforeAll(async () => {
    await fake.start();
    fake.state.addRole(ACCOUNT, 'deploy', { maxSessionDuration: 7200 });
  });
  afterAll(() => fake.stop());

  async function canUse(c: Record<string, string>): Promise<boolean> {
    const iam = new IAMClient({
      region: 'us-east-1',
      endpoint: fake.url,
      maxAttempts: 1,
      credentials: {
        accessKeyId: c.AWS_ACCESS_KEY_ID!,
        secretAccessKey: c.AWS_SECRET_ACCESS_KEY!,
        sessionToken: c.AWS_SESSION_TOKEN!,
      },
    });
    try {
      await iam.send(new GetRoleCommand({ RoleName: 'deploy' }));
      return true;
    } catch (e) {
      if ((e as Error).name === 'AccessDenied' || (e as Error).name === 'ExpiredToken') return false;
      throw e;
    }
  }

  it('a new session of the same name runs to the new end, clamped to the role maximum', async () => {
    const p = awsProvider(fake);
    const req = awsRequest({ durationSeconds: 1800 });
    const g = await p.grant(req);
    const out = await p.extend!(refOf(req, g), new Date(Date.now() + 1.5 * HOUR));
    expect(Math.abs(secondsFromNow(out.expiresAt) - 5400)).toBeLessThan(5);
    expect(out.credentials!.AWS_ACCESS_KEY_ID).not.toBe(g.credentials.AWS_ACCESS_KEY_ID);
    expect(await canUse(out.credentials!)).toBe(true);
    expect(out.handle).toMatchObject({
      sessionName: g.handle.sessionName,
      assumedRoleId: g.handle.assumedRoleId,
    });
    expect(out.notice).toBeUndefined();

    // Past the role's MaxSessionDuration (2 h from now) the session ends at that limit, said so.
    const far = await p.extend!(refOf(req, g), new Date(Date.now() + 3 * HOUR));
    expect(Math.abs(secondsFromNow(far.expiresAt) - 7200)).toBeLessThan(5);
    expect(far.notice).toMatch(/at most 7200 s/);
  });

  it('after a revocation nothing is re-issued, and the revocation covers re-issued sessions', async () => {
    const p = awsProvider(fake);
    const req = awsRequest();
    const g = await p.grant(req);
    const out = await p.extend!(refOf(req, g), new Date(Date.now() + 1.5 * HOUR));
    const ref = { ...refOf(req, g), handle: out.handle!, expiresAt: out.expiresAt };
    await p.revoke(ref);
    expect(await canUse(out.credentials!)).toBe(false);
    await refusedAsGone(p, ref);
  });
});

describe('kubernetes: a token for the new end; bindings have none of their own', () => {
  const fake = new K8sFake();
  beforeAll(async () => {
    await fake.start();
    fake.namespaces.add('team-a');
    fake.addClusterRole('edit');
  });
  afterAll(() => fake.stop());
  const withTokens = () =>
    k8sProvider(fake, {
      prod: {
        server: fake.http.url,
        token: fake.adminToken,
        issue_tokens: true,
        user_server: 'https://k8s.example.com',
      },
    });
  async function listPods(kubeconfig: string): Promise<number> {
    const kc = new KubeConfig();
    kc.loadFromString(kubeconfig.replace('https://k8s.example.com', fake.http.url));
    try {
      await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'team-a' });
      return 200;
    } catch (e) {
      return (e as { code: number }).code;
    }
  }

  it('issues a token (and kubeconfig) for the new end; a revoked grant is not extended', async () => {
    const p = withTokens();
    const req = k8sRequest();
    const g = await p.grant(req);
    const wanted = new Date(g.expiresAt.getTime() + HOUR);
    const out = await p.extend!(refOf(req, g), wanted);
    expect(out.expiresAt.getTime()).toBeLessThanOrEqual(wanted.getTime());
    expect(out.expiresAt.getTime()).toBeGreaterThan(g.expiresAt.getTime() + HOUR - 5_000);
    expect(out.credentials!.KUBECONFIG).not.toBe(g.credentials.KUBECONFIG);
    expect(await listPods(out.credentials!.KUBECONFIG!)).toBe(200);
    await p.revoke(refOf(req, g));
    expect(await listPods(out.credentials!.KUBECONFIG!)).toBe(401);
    await refusedAsGone(p, refOf(req, g));
  });

  it('a binding to the requester’s own identity just gets the new end', async () => {
    const p = k8sProvider(fake);
    const req = k8sRequest();
    const g = await p.grant(req);
    const wanted = new Date(g.expiresAt.getTime() + HOUR);
    expect(await p.extend!(refOf(req, g), wanted)).toEqual({ expiresAt: wanted });
  });
});

describe.skipIf(!PG_URL)('postgres temporary_login: VALID UNTIL moves on the real server', () => {
  let admin: Sql;
  const providers: PostgresProvider[] = [];
  beforeAll(async () => {
    await setupScratch();
    admin = postgres(PG_URL!, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await Promise.all(providers.map((p) => p.close()));
    await admin?.end();
  });
  const validUntil = async (name: string) =>
    (await admin<{ rolvaliduntil: Date }[]>`select rolvaliduntil from pg_roles where rolname = ${name}`)[0]
      ?.rolvaliduntil;

  it('moves VALID UNTIL (whole seconds); the login still works; revoked logins are not revived', async () => {
    const p = pgProvider();
    providers.push(p);
    const req = pgRequest();
    const g = await p.grant(req);
    const name = g.credentials.PGUSER!;
    const out = await p.extend!(refOf(req, g), new Date(g.expiresAt.getTime() + HOUR + 250));
    expect(out.expiresAt.getTime()).toBe(g.expiresAt.getTime() + HOUR);
    expect((await validUntil(name))!.getTime()).toBe(out.expiresAt.getTime());
    const user = connectAs(g.credentials);
    try {
      expect((await user`select current_user as u`)[0]!.u).toBe(name);
    } finally {
      await user.end();
    }
    await p.revoke(refOf(req, g));
    await refusedAsGone(p, refOf(req, g));
    expect(await validUntil(name)).toBeUndefined();
  });
});
