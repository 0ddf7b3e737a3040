/**
 * The slice of IAM policy evaluation the fake needs: does any Deny statement in the role's inline
 * policies match a request made with this session? Supports the condition operators revocation
 * policies use (String*, Date*) over aws:userid, aws:SourceIdentity, aws:TokenIssueTime and
 * aws:PrincipalTag/<key>. Anything else in a Deny makes it match nothing (fail-open is the fake's
 * choice, so a provider using an unsupported key is caught by the test seeing access remain).
 */
import type { FakeSession } from './aws-state.js';

type Cond = Record<string, Record<string, string | string[]>>;
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Cond;
}

function contextValue(s: FakeSession, key: string): string | undefined {
  const k = key.toLowerCase();
  if (k === 'aws:userid') return s.assumedRoleId;
  if (k === 'aws:sourceidentity') return s.sourceIdentity;
  if (k === 'aws:tokenissuetime') return s.issuedAt.toISOString();
  if (k.startsWith('aws:principaltag/')) {
    const tag = key.slice('aws:PrincipalTag/'.length);
    return Object.entries(s.tags).find(([t]) => t.toLowerCase() === tag.toLowerCase())?.[1];
  }
  return undefined;
}

const like = (pattern: string, v: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  ).test(v);

function opMatches(op: string, actual: string | undefined, wanted: string[]): boolean | undefined {
  if (actual === undefined) return false;
  switch (op) {
    case 'StringEquals':
      return wanted.includes(actual);
    case 'StringLike':
      return wanted.some((w) => like(w, actual));
    case 'DateLessThan':
      return wanted.some((w) => Date.parse(actual) < Date.parse(w));
    case 'DateLessThanEquals':
      return wanted.some((w) => Date.parse(actual) <= Date.parse(w));
    default:
      return undefined;
  }
}

function statementDenies(st: Statement, s: FakeSession): boolean {
  if (st.Effect !== 'Deny') return false;
  const actions = ([] as string[]).concat(st.Action);
  if (!actions.includes('*')) return false;
  for (const [op, pairs] of Object.entries(st.Condition ?? {})) {
    for (const [key, want] of Object.entries(pairs)) {
      const m = opMatches(op, contextValue(s, key), ([] as string[]).concat(want));
      if (!m) return false;
    }
  }
  return true;
}

/** True when an inline policy on the session's role explicitly denies this session. */
export function sessionDenied(s: FakeSession): boolean {
  for (const doc of s.role.inline.values()) {
    const parsed = JSON.parse(doc) as { Statement: Statement | Statement[] };
    for (const st of ([] as Statement[]).concat(parsed.Statement)) if (statementDenies(st, s)) return true;
  }
  return false;
}
