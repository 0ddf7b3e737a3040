/**
 * ============================================================================================
 *  RULE-BASED STAND-IN FOR A MODEL. This is NOT an AI. A real tier-2 reviewer would send the
 *  request to a language model with the organisation's review guidelines and parse its answer
 *  into the same shape: a decision, the reasoning behind it, and a risk level.
 * ============================================================================================
 *
 * The rules are deliberately conservative: deny only what is clearly out of line, approve only
 * what is plainly fine, and escalate to a human everything in between ("when unsure, escalate").
 */

export interface Reviewable {
  id: string;
  requester: { identity: string; kind: string; agent?: { name: string; owner: string } };
  provider: string;
  role: string;
  resource_scope: string;
  duration_seconds: number;
  reason: string;
  break_glass: boolean;
  metadata: Record<string, string>;
}

export interface Verdict {
  decision: 'approve' | 'deny' | 'escalate';
  reasoning: string;
  risk: 'low' | 'medium' | 'high';
}

const FILLER = /^(test(ing)?|asdf+|x+|please|pls|need (it|access)|access|because|idk|n\/a|none|\.+)$/i;
const REFERENCE = /\b[A-Z][A-Z0-9]+-\d+\b/;
const PRODUCTION = /\b(prod|production|live)\b/i;
const ONE_HOUR = 3600;
const FOUR_HOURS = 4 * 3600;

/** Decides one request; every verdict says which checks led to it. */
export function review(r: Reviewable): Verdict {
  const reason = r.reason.trim();
  const ref = r.metadata.ticket ?? r.metadata.incident ?? REFERENCE.exec(reason)?.[0];
  const who = r.requester.agent
    ? `agent ${r.requester.agent.name} (owner ${r.requester.agent.owner})`
    : r.requester.identity;
  const what = `${who} asks for ${r.role} on ${r.provider}/${r.resource_scope} for ${Math.round(r.duration_seconds / 60)} min`;

  if (reason.length < 10 || FILLER.test(reason))
    return {
      decision: 'deny',
      risk: 'medium',
      reasoning: `${what}. The reason "${reason.slice(0, 80)}" does not say what the access is for; a request needs a concrete task. Denied; ask again with the task and a ticket.`,
    };
  if (r.duration_seconds > FOUR_HOURS)
    return {
      decision: 'deny',
      risk: 'high',
      reasoning: `${what}. More than 4 hours of standing access is far beyond what a task needs; ask for at most 1 hour and renew if needed.`,
    };
  if (r.break_glass)
    return {
      decision: 'escalate',
      risk: 'high',
      reasoning: `${what} as break-glass. Emergency access is for humans to judge.`,
    };
  const doubts: string[] = [];
  if (!ref) doubts.push('no ticket or incident reference');
  if (PRODUCTION.test(r.resource_scope)) doubts.push(`the scope "${r.resource_scope}" looks like production`);
  if (r.duration_seconds > ONE_HOUR) doubts.push('longer than 1 hour');
  if (doubts.length)
    return {
      decision: 'escalate',
      risk: PRODUCTION.test(r.resource_scope) ? 'high' : 'medium',
      reasoning: `${what}. Reason: "${reason.slice(0, 200)}". Not sure: ${doubts.join('; ')}. Escalating to a human.`,
    };
  return {
    decision: 'approve',
    risk: 'low',
    reasoning: `${what}. Reason "${reason.slice(0, 200)}" is concrete and references ${ref}; non-production scope; at most 1 hour. Approved.`,
  };
}
