import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/core/errors.js';
import type { GrantRef, GrantRequest, GrantResult } from '../../src/core/providers/types.js';
import { ProviderError } from '../../src/core/providers/types.js';
import { AwsFake } from '../fakes/aws-fake.js';
import { sessionDenied } from '../fakes/aws-policy-eval.js';
import { ACCOUNT, awsProvider, awsRequest } from './support/aws.js';
import { runFaultSuite } from './support/faults.js';

const fake = await new AwsFake().start();
const role = fake.state.addRole(ACCOUNT, 'deploy', { maxSessionDuration: 7200 });
fake.state.addRole(ACCOUNT, 'locked', { trustsCaller: false });
afterAll(() => fake.stop());

const refOf = (request: GrantRequest, g: GrantResult): GrantRef => ({
  request,
  handle: g.handle,
  expiresAt: g.expiresAt,
});
const lastForm = (op: string) =>
  new URLSearchParams(fake.http.requests.filter((r) => r.op === op).at(-1)!.body);

/** Uses issued credentials the way a user would: an IAM call signed with them. */
async function canUse(g: GrantResult): Promise<boolean> {
  const iam = new IAMClient({
    region: 'us-east-1',
    endpoint: fake.url,
    maxAttempts: 1,
    credentials: {
      accessKeyId: g.credentials.AWS_ACCESS_KEY_ID!,
      secretAccessKey: g.credentials.AWS_SECRET_ACCESS_KEY!,
      sessionToken: g.credentials.AWS_SESSION_TOKEN!,
    },
  });
  try {
    await iam.send(new GetRoleCommand({ RoleName: g.handle.roleName as string }));
    return true;
  } catch (e) {
    if ((e as Error).name === 'AccessDenied' || (e as Error).name === 'ExpiredToken') return false;
    throw e;
  }
}

describe('aws sts_assume_role', () => {
  it('assumes the templated role with session name, SourceIdentity and session tags', async () => {
    const req = awsRequest({ reason: 'INC-42: roll back <bad> deploy (urgent!)' });
    const g = await awsProvider(fake).grant(req);
    const form = lastForm('sts:AssumeRole');
    expect(form.get('RoleArn')).toBe(`arn:aws:iam::${ACCOUNT}:role/deploy`);
    expect(form.get('RoleSessionName')).toBe(`jitsudo-${req.requestId}`);
    expect(form.get('SourceIdentity')).toBe('alice@example.com');
    const tags = Object.fromEntries(
      [1, 2, 3].map((i) => [form.get(`Tags.member.${i}.Key`), form.get(`Tags.member.${i}.Value`)]),
    );
    expect(tags['jitsudo:RequestID']).toBe(req.requestId);
    expect(tags['jitsudo:UserIdentity']).toBe('alice@example.com');
    // Characters STS rejects in tag values are replaced instead of failing the grant.
    expect(tags['jitsudo:Reason']).toBe('INC-42: roll back  bad  deploy  urgent  ');
    expect(Object.keys(g.credentials).sort()).toEqual([
      'AWS_ACCESS_KEY_ID',
      'AWS_DEFAULT_REGION',
      'AWS_REGION',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
    ]);
    expect(await canUse(g)).toBe(true);
  });

  it('tags an agent session with the agent and its owner', async () => {
    const req = awsRequest({
      principal: {
        identity: 'agt_01ABC',
        kind: 'agent',
        groups: [],
        agent: { name: 'deploy-bot', owner: 'bob@example.com' },
      },
    });
    await awsProvider(fake).grant(req);
    const form = lastForm('sts:AssumeRole');
    const pairs = [...form].filter(([k]) => k.startsWith('Tags.member.')).map(([, v]) => v);
    expect(pairs).toContain('jitsudo:AgentOwner');
    expect(pairs).toContain('bob@example.com');
    expect(form.get('SourceIdentity')).toBe('agt_01ABC');
  });

  it('passes a down-scoping session policy and managed policy ARNs from request metadata', async () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
    };
    await awsProvider(fake).grant(
      awsRequest({
        metadata: {
          aws_session_policy: JSON.stringify(policy, null, 2),
          aws_session_policy_arns: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
        },
      }),
    );
    const form = lastForm('sts:AssumeRole');
    expect(JSON.parse(form.get('Policy')!)).toEqual(policy);
    expect(form.get('PolicyArns.member.1.arn')).toBe('arn:aws:iam::aws:policy/ReadOnlyAccess');
  });

  it("clamps the duration to the role's MaxSessionDuration and says so", async () => {
    const g = await awsProvider(fake).grant(awsRequest({ durationSeconds: 4 * 3600 }));
    expect(lastForm('sts:AssumeRole').get('DurationSeconds')).toBe('7200');
    expect(g.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(7200 * 1000);
    expect(g.notice).toMatch(/at most 7200 s/);
  });

  it('caps the duration at providers.aws.max_duration_seconds', async () => {
    await awsProvider(fake, { max_duration_seconds: 1800 }).grant(awsRequest());
    expect(lastForm('sts:AssumeRole').get('DurationSeconds')).toBe('1800');
  });

  it('maps AccessDenied on the target role to a clear, permanent error', async () => {
    const e = await awsProvider(fake, { role_arn_template: 'arn:aws:iam::{scope}:role/locked' })
      .grant(awsRequest())
      .catch((x) => x);
    expect(e).toBeInstanceOf(ProviderError);
    expect(e.retryable).toBe(false);
    expect(e.message).toMatch(/^jitsudod's identity may not assume arn:aws:iam::123456789012:role\/locked/);
  });

  it('rejects what STS would reject before calling it', () => {
    const p = awsProvider(fake);
    const bad: Partial<GrantRequest>[] = [
      { principal: { identity: 'alice smith', kind: 'human', groups: [] } },
      { principal: { identity: `${'a'.repeat(65)}`, kind: 'human', groups: [] } },
      { metadata: { aws_session_policy: JSON.stringify({ Statement: [{ Sid: 'x'.repeat(2100) }] }) } },
      { metadata: { aws_session_policy_arns: 'not-an-arn' } },
      { requestId: `req_${'X'.repeat(60)}` },
    ];
    for (const change of bad)
      expect(() => p.validate(awsRequest(change)), JSON.stringify(change)).toThrow(AppError);
    const before = fake.http.count('sts:AssumeRole');
    expect(() => p.validate(awsRequest({ durationSeconds: 300 }))).toThrow(/at least 900/);
    expect(fake.http.count('sts:AssumeRole')).toBe(before);
  });

  it("revoke cuts off only that request's session, not other sessions of the same role", async () => {
    const p = awsProvider(fake);
    const r1 = awsRequest();
    const r2 = awsRequest({ principal: { identity: 'bob@example.com', kind: 'human', groups: [] } });
    const g1 = await p.grant(r1);
    const g2 = await p.grant(r2);
    await p.revoke(refOf(r1, g1));
    expect(await canUse(g1)).toBe(false);
    expect(await canUse(g2)).toBe(true);
    const doc = JSON.parse(role.inline.get(`jitsudo-deny-jitsudo-${r1.requestId}`)!);
    expect(doc.Statement[0].Condition).toEqual({ StringEquals: { 'aws:userid': g1.handle.assumedRoleId } });
    expect(doc.Statement[0].Condition['aws:TokenIssueTime']).toBeUndefined();
    // A session issued later for another request is not caught by an "issued before" rule either.
    const g3 = await p.grant(awsRequest());
    expect(await canUse(g3)).toBe(true);
  });

  it('revoke also covers a re-issued session of the same request (idempotent grant)', async () => {
    const p = awsProvider(fake);
    const req = awsRequest();
    const a = await p.grant(req);
    const b = await p.grant(req);
    await p.revoke(refOf(req, a));
    expect(await canUse(a)).toBe(false);
    expect(await canUse(b)).toBe(false);
  });

  it('adds no deny after natural expiry, keeps the deny until expiry, then cleanup removes it', async () => {
    let now = Date.now();
    const p = awsProvider(fake, {}, { now: () => new Date(now) });
    const r1 = awsRequest();
    const g1 = await p.grant(r1);
    await p.revoke(refOf(r1, g1));
    const name = `jitsudo-deny-jitsudo-${r1.requestId}`;
    await p.cleanup!(refOf(r1, g1));
    expect(role.inline.has(name)).toBe(true); // still needed: the credential has not expired
    now = g1.expiresAt.getTime() - 1;
    await p.cleanup!(refOf(r1, g1));
    expect(role.inline.has(name)).toBe(true);
    now = g1.expiresAt.getTime(); // the sweeper's after-end check runs at expiry
    await p.cleanup!(refOf(r1, g1));
    expect(role.inline.has(name)).toBe(false);
    // Cleanup of a grant that was never revoked has nothing to remove, even before expiry.
    const r3 = awsRequest();
    const g3 = await p.grant(r3);
    await expect(p.cleanup!(refOf(r3, g3))).resolves.toBeUndefined();
    // The sweeper revoking an expired grant must not pile up inline policies.
    const r2 = awsRequest();
    const g2 = await awsProvider(fake).grant(r2);
    const puts = fake.http.count('iam:PutRolePolicy');
    now = g2.expiresAt.getTime();
    await p.revoke(refOf(r2, g2));
    expect(fake.http.count('iam:PutRolePolicy')).toBe(puts);
    expect(await p.isActive(refOf(r2, g2))).toBe(false);
  });

  it('a full inline-policy quota is a retryable error, not a silent success', async () => {
    const small = fake.state.addRole(ACCOUNT, 'crowded');
    small.inline.set('big', JSON.stringify({ Statement: [{ Sid: 'x'.repeat(10_100) }] }));
    const p = awsProvider(fake);
    const req = awsRequest({ role: 'crowded' });
    const g = await p.grant(req);
    const e = await p.revoke(refOf(req, g)).catch((x) => x);
    expect(e).toBeInstanceOf(ProviderError);
    expect(e.retryable).toBe(true);
    expect(e.message).toMatch(/inline revocation policy/);
    expect(await p.isActive(refOf(req, g))).toBe(true);
  });

  it('manages revocation policies through an admin role in the target account when configured', async () => {
    const acct = '333333333333';
    fake.state.addRole(acct, 'deploy');
    fake.state.addRole(acct, 'jitsudod-revoker');
    const p = awsProvider(fake, { admin_role_arn_template: 'arn:aws:iam::{scope}:role/jitsudod-revoker' });
    const req = awsRequest({ scope: acct });
    const g = await p.grant(req);
    await p.revoke(refOf(req, g));
    const put = fake.http.requests.filter((r) => r.op === 'iam:PutRolePolicy').at(-1)!;
    expect(String(put.headers.authorization)).not.toContain(fake.state.adminKey);
    expect(String(put.headers.authorization)).toMatch(/Credential=ASIA/);
    expect(await canUse(g)).toBe(false);
  });

  it('a grant whose answer never reached core needs no deny: nobody holds its secret', async () => {
    const p = awsProvider(fake);
    const req = awsRequest();
    await p.grant(req); // credentials lost (e.g. jitsudod crashed before storing them)
    const puts = fake.http.count('iam:PutRolePolicy');
    const ref = { request: req, handle: {}, expiresAt: new Date(Date.now() + 3_600_000) };
    await p.revoke(ref);
    expect(fake.http.count('iam:PutRolePolicy')).toBe(puts);
    expect(await p.isActive(ref)).toBe(false);
  });

  it('a role deleted out of band counts as revoked and inactive', async () => {
    const r = fake.state.addRole(ACCOUNT, 'doomed');
    const p = awsProvider(fake);
    const req = awsRequest({ role: 'doomed' });
    const g = await p.grant(req);
    fake.state.roles.delete(r.arn);
    expect(await p.isActive(refOf(req, g))).toBe(false);
    await expect(p.revoke(refOf(req, g))).resolves.toBeUndefined();
  });
});

runFaultSuite({
  name: 'aws sts',
  http: fake.http,
  grantOp: 'sts:AssumeRole',
  revokeOp: 'iam:PutRolePolicy',
  throttle: {
    kind: 'status',
    status: 400,
    headers: { 'content-type': 'text/xml' },
    body: '<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>',
  },
  forbidden: {
    kind: 'status',
    status: 403,
    headers: { 'content-type': 'text/xml' },
    body: '<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>no</Message></Error></ErrorResponse>',
  },
  attempts: 3,
  timeoutMs: 400,
  provider: () => awsProvider(fake),
  request: () => awsRequest(),
  grantedInTarget: (ref) =>
    [...fake.state.sessions.values()].some(
      (s) => s.sessionName === ref.handle.sessionName && !sessionDenied(s) && s.expiresAt > new Date(),
    ),
});
