/** IAM Identity Center (SSO Admin, awsJson1_1) and Identity Store, with async assignment status. */
import { randomUUID } from 'node:crypto';
import { type Assignment, type AssignmentOp, type AwsState, sameAssignment } from './aws-state.js';
import type { FakeReply } from './http-fake.js';

export const jsonError = (status: number, type: string, message: string): FakeReply => ({
  status,
  headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() },
  body: JSON.stringify({ __type: type, Message: message }),
});
const ok = (body: unknown): FakeReply => ({
  status: 200,
  headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() },
  body: JSON.stringify(body),
});
const validation = (m: string) => jsonError(400, 'ValidationException', m);

function statusOf(op: AssignmentOp, state: AwsState) {
  if (op.status === 'IN_PROGRESS' && op.pollsLeft-- <= 0) settle(op, state);
  const a = op.assignment;
  return {
    Status: op.status,
    RequestId: op.requestId,
    ...(op.failureReason ? { FailureReason: op.failureReason } : {}),
    TargetId: a.account,
    TargetType: 'AWS_ACCOUNT',
    PermissionSetArn: a.permissionSetArn,
    PrincipalType: a.principalType,
    PrincipalId: a.principalId,
    CreatedDate: Math.floor(op.createdAt.getTime() / 1000),
  };
}

function settle(op: AssignmentOp, state: AwsState): void {
  const i = state.assignments.findIndex((x) => sameAssignment(x, op.assignment));
  if (op.kind === 'create' && i < 0) state.assignments.push(op.assignment);
  if (op.kind === 'delete' && i >= 0) state.assignments.splice(i, 1);
  op.status = 'SUCCEEDED';
}

function readAssignment(state: AwsState, b: any): Assignment | FakeReply {
  if (b.InstanceArn !== state.instanceArn)
    return jsonError(400, 'ResourceNotFoundException', 'Instance not found');
  if (!/^\d{12}$/.test(b.TargetId ?? '')) return validation('TargetId must be a 12-digit account id');
  if (b.TargetType !== 'AWS_ACCOUNT') return validation('TargetType must be AWS_ACCOUNT');
  if (!['USER', 'GROUP'].includes(b.PrincipalType)) return validation('PrincipalType must be USER or GROUP');
  if (!state.permissionSets.has(b.PermissionSetArn))
    return jsonError(400, 'ResourceNotFoundException', 'Permission set not found');
  if (b.PrincipalType === 'USER' && ![...state.users.values()].includes(b.PrincipalId))
    return validation('PrincipalId does not exist in the identity store');
  return {
    account: b.TargetId,
    permissionSetArn: b.PermissionSetArn,
    principalType: b.PrincipalType,
    principalId: b.PrincipalId,
  };
}

function startOp(state: AwsState, kind: 'create' | 'delete', b: any): FakeReply | AssignmentOp {
  const a = readAssignment(state, b);
  if ('status' in a) return a;
  const busy = [...state.ops.values()].some(
    (o) =>
      o.status === 'IN_PROGRESS' &&
      o.assignment.account === a.account &&
      o.assignment.permissionSetArn === a.permissionSetArn,
  );
  // Identity Center refuses a second write while one on the same account+permission set provisions.
  if (busy) return jsonError(400, 'ConflictException', 'An operation on this permission set is in progress');
  if (kind === 'delete' && !state.hasAssignment(a))
    return jsonError(400, 'ResourceNotFoundException', 'Account assignment not found');
  const op: AssignmentOp = {
    requestId: randomUUID(),
    kind,
    assignment: a,
    pollsLeft: state.pendingPolls,
    status: 'IN_PROGRESS',
    createdAt: state.now(),
  };
  state.ops.set(op.requestId, op);
  return op;
}

/** Dispatches on `x-amz-target` like the real endpoints. */
export function handleJson(state: AwsState, target: string, body: string): FakeReply {
  for (const op of state.ops.values())
    if (op.status === 'IN_PROGRESS' && state.now().getTime() - op.createdAt.getTime() >= state.settleAfterMs)
      settle(op, state);
  const b = JSON.parse(body || '{}');
  const [, action] = target.split('.');
  switch (target.split('.')[0]) {
    case 'AWSIdentityStore': {
      if (action !== 'GetUserId') return validation(`unsupported ${action}`);
      if (b.IdentityStoreId !== state.identityStoreId)
        return jsonError(400, 'ResourceNotFoundException', 'Identity store not found');
      const attr = b.AlternateIdentifier?.UniqueAttribute;
      if (attr?.AttributePath !== 'userName') return validation('only userName is unique here');
      const id = state.users.get(attr.AttributeValue);
      return id
        ? ok({ UserId: id, IdentityStoreId: state.identityStoreId })
        : jsonError(400, 'ResourceNotFoundException', 'User not found');
    }
    case 'SWBExternalService':
      break;
    default:
      return validation(`unknown target ${target}`);
  }
  switch (action) {
    case 'CreateAccountAssignment':
    case 'DeleteAccountAssignment': {
      const kind = action.startsWith('Create') ? 'create' : 'delete';
      const op = startOp(state, kind, b);
      if ('status' in op && typeof op.status === 'number') return op as FakeReply;
      const st = statusOf(op as AssignmentOp, state);
      return ok(
        kind === 'create' ? { AccountAssignmentCreationStatus: st } : { AccountAssignmentDeletionStatus: st },
      );
    }
    case 'DescribeAccountAssignmentCreationStatus':
    case 'DescribeAccountAssignmentDeletionStatus': {
      const id = b.AccountAssignmentCreationRequestId ?? b.AccountAssignmentDeletionRequestId;
      const op = state.ops.get(id);
      if (!op) return jsonError(400, 'ResourceNotFoundException', 'Request not found');
      const st = statusOf(op, state);
      return ok(
        op.kind === 'create'
          ? { AccountAssignmentCreationStatus: st }
          : { AccountAssignmentDeletionStatus: st },
      );
    }
    case 'ListAccountAssignments': {
      if (!/^\d{12}$/.test(b.AccountId ?? '')) return validation('AccountId must be 12 digits');
      const all = state.assignments.filter(
        (a) => a.account === b.AccountId && a.permissionSetArn === b.PermissionSetArn,
      );
      const start = Number(b.NextToken ?? 0);
      const size = b.MaxResults ?? 2; // small pages so paging code is exercised
      const page = all.slice(start, start + size);
      return ok({
        AccountAssignments: page.map((a) => ({
          AccountId: a.account,
          PermissionSetArn: a.permissionSetArn,
          PrincipalType: a.principalType,
          PrincipalId: a.principalId,
        })),
        ...(start + size < all.length ? { NextToken: String(start + size) } : {}),
      });
    }
    case 'ListPermissionSets':
      return ok({ PermissionSets: [...state.permissionSets.keys()] });
    case 'DescribePermissionSet': {
      const ps = state.permissionSets.get(b.PermissionSetArn);
      if (!ps) return jsonError(400, 'ResourceNotFoundException', 'Permission set not found');
      return ok({
        PermissionSet: {
          Name: ps.name,
          PermissionSetArn: b.PermissionSetArn,
          SessionDuration: ps.sessionDuration,
          CreatedDate: 1767225600,
        },
      });
    }
    default:
      return validation(`unsupported ${action}`);
  }
}
