/** Pure checks and derivations for sts_assume_role: everything STS would reject is caught here. */
import type { GrantRequest } from '../../core/providers/types.js';
import { invalid, validateCommon } from '../shared/validate.js';
import type { AwsSection } from './config.js';

const P = 'aws';
const IAM_NAME = /^[\w+=,.@-]+$/;
const ROLE_ARN = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;
const POLICY_ARN = /^arn:aws[\w-]*:iam::(\d{12}|aws):policy\/[\w+=,.@/-]{1,512}$/;
/** STS tag values: letters, spaces, digits and `_.:/=+-@`, at most 256. */
const TAG_UNSAFE = /[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu;

export interface StsPlan {
  roleArn: string;
  roleName: string;
  account: string;
  sessionName: string;
  sourceIdentity: string;
  tags: { Key: string; Value: string }[];
  policy?: string;
  policyArns?: { arn: string }[];
}

export const sessionNameFor = (requestId: string) => `jitsudo-${requestId}`;
export const denyPolicyNameFor = (sessionName: string) => `jitsudo-deny-${sessionName}`;
const tagValue = (s: string) => s.replace(TAG_UNSAFE, ' ').slice(0, 256);

/** Validates `req` for STS and returns what AssumeRole will be called with. */
export function planAssumeRole(cfg: AwsSection, req: GrantRequest): StsPlan {
  validateCommon(P, req, { minSeconds: 900, maxSeconds: 43_200 });
  if (!/^\d{12}$/.test(req.scope)) invalid(P, `scope must be a 12-digit AWS account id, got "${req.scope}"`);
  if (!/^(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/.test(req.role))
    invalid(P, `role "${req.role}" is not a valid IAM role name (letters, digits and +=,.@_- , at most 64)`);
  const roleArn = cfg.role_arn_template.replaceAll('{scope}', req.scope).replaceAll('{role}', req.role);
  const m = ROLE_ARN.exec(roleArn);
  if (!m) invalid(P, `role_arn_template produced "${roleArn}", which is not an IAM role ARN`);
  const sessionName = sessionNameFor(req.requestId);
  if (sessionName.length > 64 || !IAM_NAME.test(sessionName))
    invalid(P, `request id "${req.requestId}" is too long for an STS session name (64 characters)`);
  const who = req.principal.identity;
  // SourceIdentity is immutable and survives role chaining, so it must be the real identity, not a mangled one.
  if (who.length < 2 || who.length > 64 || !IAM_NAME.test(who) || who.toLowerCase().startsWith('aws:'))
    invalid(P, `requester "${who}" cannot be an STS SourceIdentity (2-64 of letters, digits and +=,.@_-)`);
  const tags = [
    { Key: 'jitsudo:RequestID', Value: req.requestId },
    { Key: 'jitsudo:UserIdentity', Value: tagValue(who) },
  ];
  if (req.principal.kind === 'agent' && req.principal.agent) {
    tags.push({ Key: 'jitsudo:AgentName', Value: tagValue(req.principal.agent.name) });
    tags.push({ Key: 'jitsudo:AgentOwner', Value: tagValue(req.principal.agent.owner) });
  }
  if (req.reason.trim()) tags.push({ Key: 'jitsudo:Reason', Value: tagValue(req.reason.trim()) });
  return {
    roleArn,
    roleName: m[2]!,
    account: m[1]!,
    sessionName,
    sourceIdentity: who,
    tags,
    ...sessionPolicy(cfg, req),
  };
}

function sessionPolicy(cfg: AwsSection, req: GrantRequest): Pick<StsPlan, 'policy' | 'policyArns'> {
  const out: Pick<StsPlan, 'policy' | 'policyArns'> = {};
  const raw = req.metadata[cfg.session_policy_key];
  if (raw !== undefined) {
    let doc: unknown;
    try {
      doc = JSON.parse(raw);
    } catch {
      invalid(P, `metadata.${cfg.session_policy_key} is not valid JSON`);
    }
    if (!doc || typeof doc !== 'object' || !('Statement' in doc))
      invalid(P, `metadata.${cfg.session_policy_key} must be an IAM policy document with a Statement`);
    out.policy = JSON.stringify(doc);
    if (out.policy.length > 2048)
      invalid(P, `session policy is ${out.policy.length} characters; STS accepts at most 2048`);
  }
  const arns = req.metadata[cfg.session_policy_arns_key];
  if (arns !== undefined) {
    const list = arns
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (list.length > 10) invalid(P, 'at most 10 managed session policy ARNs');
    for (const a of list) if (!POLICY_ARN.test(a)) invalid(P, `"${a}" is not an IAM policy ARN`);
    out.policyArns = list.map((arn) => ({ arn }));
  }
  return out;
}

/**
 * The revocation statement. `aws:userid` of a role session is `<role id>:<session name>`: the role
 * id pins it to this role and the session name to this request, so the deny hits this request's
 * session(s) only — other users' sessions of the same role carry other session names. An
 * issued-before-time deny (`aws:TokenIssueTime`) would instead kill every older session of the role.
 */
export function denyDocument(assumedRoleId: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'JitsudoRevokedSession',
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { StringEquals: { 'aws:userid': assumedRoleId } },
      },
    ],
  });
}
