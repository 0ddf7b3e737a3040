import { afterAll, describe, expect, it } from 'vitest';
import type { GrantRef, GrantRequest, GrantResult } from '../../src/core/providers/types.js';
import { ProviderError } from '../../src/core/providers/types.js';
import { runProviderContract } from '../contract/provider-contract.js';
import { AwsFake } from '../fakes/aws-fake.js';
import { ACCOUNT, icRequest, identityCenter } from './support/aws.js';
import { runFaultSuite } from './support/faults.js';

const fake = await new AwsFake().start();
const psArn = fake.state.addPermissionSet('AdminAccess', 'PT2H');
fake.state.addPermissionSet('ReadOnly');
fake.state.pendingPolls = 2;
fake.state.settleAfterMs = 30;
afterAll(() => fake.stop());

const refOf = (request: GrantRequest, g: GrantResult): GrantRef => ({
  request,
  handle: g.handle,
  expiresAt: g.expiresAt,
});
const assigned = (ref: GrantRef) =>
  fake.state.hasAssignment({
    account: ref.request.scope,
    permissionSetArn: ref.handle.permissionSetArn as string,
    principalType: 'USER',
    principalId: ref.handle.principalId as string,
  });

runProviderContract(
  'aws',
  () => identityCenter(fake),
  (o) => icRequest(fake, o),
  {
    invalid: [
      { name: 'a scope that is not an account id', change: { scope: 'prod' } },
      { name: 'a permission set name with a space', change: { role: 'Admin Access' } },
    ],
    failing: {
      retryable: () => {
        fake.http.inject(
          'sso:CreateAccountAssignment',
          { kind: 'status', status: 400, body: '{"__type":"ThrottlingException","Message":"slow down"}' },
          3,
        );
        return identityCenter(fake);
      },
      permanent: () => {
        fake.http.inject(
          'sso:CreateAccountAssignment',
          { kind: 'status', status: 400, body: '{"__type":"AccessDeniedException","Message":"no"}' },
          1,
        );
        return identityCenter(fake);
      },
    },
  },
);

describe('aws identity_center', () => {
  it('creates the assignment for the Identity Store user and follows the async status to SUCCEEDED', async () => {
    const req = icRequest(fake);
    const g = await identityCenter(fake).grant(req);
    expect(g.handle).toMatchObject({
      mode: 'identity_center',
      account: ACCOUNT,
      permissionSetArn: psArn,
      permissionSetName: 'AdminAccess',
    });
    expect(fake.state.users.get(req.principal.identity)).toBe(g.handle.principalId);
    expect(assigned(refOf(req, g))).toBe(true);
    expect(fake.http.count('sso:DescribeAccountAssignmentCreationStatus')).toBeGreaterThanOrEqual(2);
    // No keys: the user's own SSO session is the credential, and the notice says how to use it.
    expect(g.credentials).toEqual({ AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-east-1' });
    expect(g.notice).toMatch(/aws sso login.*example\.awsapps\.com.*account 123456789012.*AdminAccess/);
  });

  it('resolves the permission set by configured name, by ARN, and by listing', async () => {
    const byArn = await identityCenter(fake).grant(icRequest(fake, { role: psArn }));
    expect(byArn.handle.permissionSetArn).toBe(psArn);
    const mapped = await identityCenter(fake, {
      identity_center: { permission_sets: { admin: psArn } },
    }).grant(icRequest(fake, { role: 'admin' }));
    expect(mapped.handle.permissionSetArn).toBe(psArn);
    const e = await identityCenter(fake)
      .grant(icRequest(fake, { role: 'NoSuchSet' }))
      .catch((x) => x);
    expect(e).toBeInstanceOf(ProviderError);
    expect(e.message).toMatch(/no permission set named "NoSuchSet"/);
    expect(e.retryable).toBe(false);
  });

  it('refuses a requester unknown to the Identity Store with a clear error', async () => {
    const req = icRequest(fake, { principal: { identity: 'ghost@example.com', kind: 'human', groups: [] } });
    const e = await identityCenter(fake)
      .grant(req)
      .catch((x) => x);
    expect(e.message).toMatch(/no user whose userName is "ghost@example.com"/);
    expect(e.retryable).toBe(false);
  });

  it('revoke deletes the assignment and waits for the deletion to finish', async () => {
    const p = identityCenter(fake);
    const req = icRequest(fake);
    const ref = refOf(req, await p.grant(req));
    await p.revoke(ref);
    expect(assigned(ref)).toBe(false);
    expect(fake.http.count('sso:DescribeAccountAssignmentDeletionStatus')).toBeGreaterThan(0);
  });

  it('sees an assignment removed out of band as inactive', async () => {
    const p = identityCenter(fake);
    const req = icRequest(fake);
    const ref = refOf(req, await p.grant(req));
    fake.state.assignments.splice(0, fake.state.assignments.length);
    expect(await p.isActive(ref)).toBe(false);
  });

  it('says so when the user already held the assignment (it is shared per user, set and account)', async () => {
    const p = identityCenter(fake);
    const r1 = icRequest(fake);
    await p.grant(r1);
    const g2 = await p.grant({ ...r1, requestId: `${r1.requestId}X` });
    expect(g2.notice).toMatch(/already held this assignment/);
  });

  it('an assignment that never finishes provisioning is a retryable error', async () => {
    fake.state.pendingPolls = 1_000;
    fake.state.settleAfterMs = Number.POSITIVE_INFINITY;
    try {
      const e = await identityCenter(fake, { identity_center: { poll_timeout_ms: 50 } })
        .grant(icRequest(fake))
        .catch((x) => x);
      expect(e).toBeInstanceOf(ProviderError);
      expect(e.retryable).toBe(true);
      expect(e.message).toMatch(/still provisioning/);
    } finally {
      fake.state.settleAfterMs = 30;
      fake.state.pendingPolls = 2;
    }
  });

  it('retries a ConflictException while another write on the permission set provisions', async () => {
    fake.http.inject(
      'sso:CreateAccountAssignment',
      { kind: 'status', status: 400, body: '{"__type":"ConflictException","Message":"busy"}' },
      2,
    );
    const req = icRequest(fake);
    const g = await identityCenter(fake).grant(req);
    expect(assigned(refOf(req, g))).toBe(true);
  });
});

runFaultSuite({
  name: 'aws identity center',
  http: fake.http,
  grantOp: 'sso:CreateAccountAssignment',
  revokeOp: 'sso:DeleteAccountAssignment',
  throttle: {
    kind: 'status',
    status: 400,
    body: '{"__type":"ThrottlingException","Message":"Rate exceeded"}',
  },
  forbidden: { kind: 'status', status: 400, body: '{"__type":"AccessDeniedException","Message":"no"}' },
  attempts: 3,
  timeoutMs: 400,
  provider: () => identityCenter(fake),
  request: () => icRequest(fake),
  grantedInTarget: assigned,
});
