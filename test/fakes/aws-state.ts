/** In-memory state of the AWS fake: IAM roles with inline policies, STS sessions, Identity Center. */
import { randomBytes, randomUUID } from 'node:crypto';

export interface FakeRole {
  name: string;
  arn: string;
  roleId: string;
  account: string;
  maxSessionDuration: number;
  /** Whether the role's trust policy lets jitsudod's key assume it (with TagSession/SetSourceIdentity). */
  trustsCaller: boolean;
  inline: Map<string, string>;
}

export interface FakeSession {
  accessKeyId: string;
  secret: string;
  role: FakeRole;
  sessionName: string;
  assumedRoleId: string;
  sourceIdentity?: string;
  tags: Record<string, string>;
  issuedAt: Date;
  expiresAt: Date;
  policy?: string;
}

export interface Assignment {
  account: string;
  permissionSetArn: string;
  principalType: string;
  principalId: string;
}

export interface AssignmentOp {
  requestId: string;
  kind: 'create' | 'delete';
  assignment: Assignment;
  /** Describe calls left before the op settles; mimics Identity Center's async provisioning. */
  pollsLeft: number;
  status: 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';
  failureReason?: string;
  createdAt: Date;
}

const rand = (n: number) =>
  randomBytes(n)
    .toString('base64')
    .replace(/[^A-Z0-9]/gi, '')
    .toUpperCase()
    .slice(0, n);

export class AwsState {
  /** Access key jitsudod itself signs with; requests with other unknown keys are rejected. */
  readonly adminKey = 'AKIAJITSUDODADMIN01';
  /** The account jitsudod's own key belongs to; IAM calls signed with it act there. */
  readonly homeAccount = '123456789012';
  readonly roles = new Map<string, FakeRole>();
  readonly sessions = new Map<string, FakeSession>();
  readonly instanceArn = 'arn:aws:sso:::instance/ssoins-1111111111111111';
  readonly identityStoreId = 'd-1234567890';
  readonly users = new Map<string, string>(); // userName -> UserId
  readonly permissionSets = new Map<string, { name: string; sessionDuration: string }>();
  readonly assignments: Assignment[] = [];
  readonly ops = new Map<string, AssignmentOp>();
  /** How many Describe calls an op stays IN_PROGRESS. */
  pendingPolls = 1;
  /** ...or until this much time has passed, as real provisioning finishes whether polled or not. */
  settleAfterMs = 100;
  now: () => Date = () => new Date();

  addRole(
    account: string,
    name: string,
    opts: Partial<Pick<FakeRole, 'maxSessionDuration' | 'trustsCaller'>> = {},
  ) {
    const role: FakeRole = {
      name,
      account,
      arn: `arn:aws:iam::${account}:role/${name}`,
      roleId: `AROA${rand(17)}`,
      maxSessionDuration: opts.maxSessionDuration ?? 3600,
      trustsCaller: opts.trustsCaller ?? true,
      inline: new Map(),
    };
    this.roles.set(role.arn, role);
    return role;
  }

  roleByName(account: string, name: string): FakeRole | undefined {
    return [...this.roles.values()].find((r) => r.account === account && r.name === name);
  }

  newSession(
    role: FakeRole,
    fields: Omit<FakeSession, 'accessKeyId' | 'secret' | 'role' | 'assumedRoleId' | 'issuedAt'>,
  ) {
    const s: FakeSession = {
      ...fields,
      role,
      accessKeyId: `ASIA${rand(16)}`,
      secret: rand(40),
      assumedRoleId: `${role.roleId}:${fields.sessionName}`,
      issuedAt: this.now(),
    };
    this.sessions.set(s.accessKeyId, s);
    return s;
  }

  addUser(userName: string): string {
    const id = randomUUID();
    this.users.set(userName, id);
    return id;
  }

  addPermissionSet(name: string, sessionDuration = 'PT1H'): string {
    const arn = `${this.instanceArn.replace(':instance/', ':permissionSet/')}/ps-${rand(16).toLowerCase()}`;
    this.permissionSets.set(arn, { name, sessionDuration });
    return arn;
  }

  hasAssignment(a: Assignment): boolean {
    return this.assignments.some((x) => sameAssignment(x, a));
  }
}

export const sameAssignment = (x: Assignment, a: Assignment) =>
  x.account === a.account &&
  x.permissionSetArn === a.permissionSetArn &&
  x.principalType === a.principalType &&
  x.principalId === a.principalId;
