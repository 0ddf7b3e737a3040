/** STS and IAM over the AWS Query protocol (form-encoded POST, XML replies), validating as AWS does. */
import { randomUUID } from 'node:crypto';
import { sessionDenied } from './aws-policy-eval.js';
import type { AwsState, FakeRole, FakeSession } from './aws-state.js';
import type { FakeReply } from './http-fake.js';

const NS = {
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
};
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function xmlError(svc: 'sts' | 'iam', status: number, code: string, message: string): FakeReply {
  return {
    status,
    headers: { 'content-type': 'text/xml' },
    body: `<ErrorResponse xmlns="${NS[svc]}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${esc(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  };
}

const ok = (svc: 'sts' | 'iam', action: string, result: string): FakeReply => ({
  status: 200,
  headers: { 'content-type': 'text/xml' },
  body: `<${action}Response xmlns="${NS[svc]}">${result ? `<${action}Result>${result}</${action}Result>` : ''}<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`,
});

const NAME_RE = /^[\w+=,.@-]*$/;
const TAG_RE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const validation = (svc: 'sts' | 'iam', msg: string) => xmlError(svc, 400, 'ValidationError', msg);

function members(p: URLSearchParams, prefix: string, field: string): string[] {
  const out: string[] = [];
  for (let i = 1; p.has(`${prefix}.member.${i}.${field}`); i++)
    out.push(p.get(`${prefix}.member.${i}.${field}`)!);
  return out;
}

function assumeRole(state: AwsState, p: URLSearchParams): FakeReply {
  const name = p.get('RoleSessionName') ?? '';
  if (name.length < 2 || name.length > 64 || !NAME_RE.test(name))
    return validation(
      'sts',
      `Value '${name}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
    );
  const duration = Number(p.get('DurationSeconds') ?? 3600);
  if (duration < 900 || duration > 43200)
    return validation('sts', `Value '${duration}' at 'durationSeconds' failed to satisfy constraint`);
  const src = p.get('SourceIdentity');
  if (src !== null && (src.length < 2 || src.length > 64 || !NAME_RE.test(src) || src.startsWith('aws:')))
    return validation('sts', `Value '${src}' at 'sourceIdentity' failed to satisfy constraint`);
  const keys = members(p, 'Tags', 'Key');
  const values = members(p, 'Tags', 'Value');
  if (keys.length > 50) return validation('sts', 'Tags: at most 50');
  for (const [i, k] of keys.entries()) {
    const v = values[i] ?? '';
    if (!k || k.length > 128 || !TAG_RE.test(k) || v.length > 256 || !TAG_RE.test(v))
      return validation('sts', `Tag '${k}' failed to satisfy constraint`);
  }
  const policy = p.get('Policy') ?? undefined;
  if (policy !== undefined) {
    if (policy.length > 2048) return xmlError('sts', 400, 'PackedPolicyTooLarge', 'Policy too large');
    try {
      JSON.parse(policy);
    } catch {
      return xmlError('sts', 400, 'MalformedPolicyDocument', 'Policy is not valid JSON');
    }
  }
  const role = state.roles.get(p.get('RoleArn') ?? '');
  if (!role?.trustsCaller)
    return xmlError(
      'sts',
      403,
      'AccessDenied',
      `User: arn:aws:iam::111111111111:user/jitsudod is not authorized to perform: sts:AssumeRole on resource: ${p.get('RoleArn')}`,
    );
  if (duration > role.maxSessionDuration)
    return validation(
      'sts',
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
  const tags = Object.fromEntries(keys.map((k, i) => [k, values[i] ?? '']));
  const s = state.newSession(role, {
    sessionName: name,
    sourceIdentity: src ?? undefined,
    tags,
    policy,
    expiresAt: new Date(state.now().getTime() + duration * 1000),
  });
  return ok(
    'sts',
    'AssumeRole',
    `<Credentials><AccessKeyId>${s.accessKeyId}</AccessKeyId><SecretAccessKey>${s.secret}</SecretAccessKey><SessionToken>tok-${s.accessKeyId}</SessionToken><Expiration>${s.expiresAt.toISOString()}</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>${s.assumedRoleId}</AssumedRoleId><Arn>arn:aws:sts::${role.account}:assumed-role/${role.name}/${name}</Arn></AssumedRoleUser>${src ? `<SourceIdentity>${esc(src)}</SourceIdentity>` : ''}<PackedPolicySize>6</PackedPolicySize>`,
  );
}

const roleXml = (r: FakeRole) =>
  `<Role><Path>/</Path><RoleName>${r.name}</RoleName><RoleId>${r.roleId}</RoleId><Arn>${r.arn}</Arn><CreateDate>2026-01-01T00:00:00Z</CreateDate><MaxSessionDuration>${r.maxSessionDuration}</MaxSessionDuration></Role>`;

const INLINE_QUOTA = 10_240;

function iam(state: AwsState, account: string, action: string, p: URLSearchParams): FakeReply {
  const role = state.roleByName(account, p.get('RoleName') ?? '');
  if (!role)
    return xmlError('iam', 404, 'NoSuchEntity', `The role with name ${p.get('RoleName')} cannot be found.`);
  const policyName = p.get('PolicyName') ?? '';
  switch (action) {
    case 'GetRole':
      return ok('iam', action, roleXml(role));
    case 'PutRolePolicy': {
      if (!/^[\w+=,.@-]{1,128}$/.test(policyName)) return validation('iam', 'PolicyName invalid');
      const doc = p.get('PolicyDocument') ?? '';
      try {
        JSON.parse(doc);
      } catch {
        return xmlError('iam', 400, 'MalformedPolicyDocument', 'Syntax errors in policy.');
      }
      const others = [...role.inline].filter(([n]) => n !== policyName);
      const size =
        others.reduce((n, [, d]) => n + d.replace(/\s/g, '').length, 0) + doc.replace(/\s/g, '').length;
      if (size > INLINE_QUOTA)
        return xmlError(
          'iam',
          409,
          'LimitExceeded',
          `Maximum policy size of ${INLINE_QUOTA} bytes exceeded for role ${role.name}`,
        );
      role.inline.set(policyName, doc);
      return ok('iam', action, '');
    }
    case 'GetRolePolicy': {
      const doc = role.inline.get(policyName);
      if (doc === undefined)
        return xmlError(
          'iam',
          404,
          'NoSuchEntity',
          `The role policy with name ${policyName} cannot be found.`,
        );
      // Real IAM returns the document URL-encoded (RFC 3986).
      return ok(
        'iam',
        action,
        `<RoleName>${role.name}</RoleName><PolicyName>${policyName}</PolicyName><PolicyDocument>${esc(encodeURIComponent(doc))}</PolicyDocument>`,
      );
    }
    case 'DeleteRolePolicy':
      if (!role.inline.delete(policyName))
        return xmlError(
          'iam',
          404,
          'NoSuchEntity',
          `The role policy with name ${policyName} cannot be found.`,
        );
      return ok('iam', action, '');
    case 'ListRolePolicies':
      return ok(
        'iam',
        action,
        `<PolicyNames>${[...role.inline.keys()].map((n) => `<member>${n}</member>`).join('')}</PolicyNames><IsTruncated>false</IsTruncated>`,
      );
    default:
      return xmlError('iam', 400, 'InvalidAction', `unknown action ${action}`);
  }
}

/** Handles one Query-protocol request signed with `accessKeyId` for `service` (sts|iam). */
export function handleQuery(state: AwsState, service: string, accessKeyId: string, body: string): FakeReply {
  const p = new URLSearchParams(body);
  const action = p.get('Action') ?? '';
  const svc = service === 'iam' ? 'iam' : 'sts';
  let account = state.homeAccount;
  if (accessKeyId !== state.adminKey) {
    // A call made with issued session credentials: what the user would do with them.
    const s: FakeSession | undefined = state.sessions.get(accessKeyId);
    account = s?.role.account ?? account;
    if (!s)
      return xmlError(
        svc,
        403,
        'InvalidClientTokenId',
        'The security token included in the request is invalid.',
      );
    if (s.expiresAt <= state.now())
      return xmlError(svc, 403, 'ExpiredToken', 'The security token included in the request is expired');
    if (svc === 'sts' && action === 'GetCallerIdentity')
      return ok(
        'sts',
        action,
        `<Arn>arn:aws:sts::${s.role.account}:assumed-role/${s.role.name}/${s.sessionName}</Arn><UserId>${s.assumedRoleId}</UserId><Account>${s.role.account}</Account>`,
      );
    if (sessionDenied(s))
      return xmlError(
        svc,
        403,
        'AccessDenied',
        `User: ${s.assumedRoleId} is not authorized to perform: ${svc}:${action} with an explicit deny in an identity-based policy`,
      );
  }
  if (svc === 'sts') {
    if (action === 'AssumeRole') return assumeRole(state, p);
    return xmlError('sts', 400, 'InvalidAction', `unknown action ${action}`);
  }
  return iam(state, account, action, p);
}
