/**
 * What a step-up link is, checked (ADR 0050): its mac, that it exists, is unused and unexpired, and
 * — once someone has signed in — that it was issued to them. Refusals of a signed-in person are
 * audited (request.decision_refused, ADR 0047); before sign-in nobody is known, so nothing is.
 */
import type { Actor } from '../actor.js';
import { findRequest, type RequestRow } from '../db/requests-repo.js';
import { findStepUpLink, type StepUpLinkRow } from '../db/step-up-links-repo.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';
import { auditRefusal } from '../requests/refusal-audit.js';
import { auditRequest, transact } from '../requests/tx.js';
import { verifyLinkToken } from './link-token.js';
import { BREAK_GLASS_REVIEW_REFUSED } from './review-break-glass.js';

export interface StepUpLink {
  idHash: string;
  requestId: string;
  decision: StepUpLinkRow['decision'];
  principal: string;
  expiresAt: Date;
}

const AGAIN = 'click the button in Slack again for a new link';

/** The refusal of a link row as it stands at `now`, or undefined while it is usable. */
export function linkProblem(l: Pick<StepUpLinkRow, 'usedAt' | 'expiresAt'>, now: Date): AppError | undefined {
  if (l.usedAt)
    return new AppError('CONFLICT', `this link was used already; ${AGAIN}`, { details: { link: 'used' } });
  if (l.expiresAt.getTime() <= now.getTime())
    return new AppError('CONFLICT', `this link has expired; ${AGAIN}`, { details: { link: 'expired' } });
  return undefined;
}

/** The link `token` names; throws a 4xx AppError when it is altered, unknown, used or expired. */
export async function readStepUpLink(deps: CoreDeps, token: string): Promise<StepUpLink> {
  const idHash = verifyLinkToken(deps.keys.tokenKey, token);
  if (!idHash)
    throw new AppError('VALIDATION', `this link is not valid (altered or incomplete); ${AGAIN}`, {
      details: { link: 'invalid' },
    });
  const row = await findStepUpLink(deps.db, idHash);
  if (!row)
    throw new AppError('NOT_FOUND', `this link is unknown; ${AGAIN}`, { details: { link: 'unknown' } });
  const problem = linkProblem(row, deps.now());
  if (problem) throw problem;
  return {
    idHash,
    requestId: row.requestId,
    decision: row.decision,
    principal: row.principal,
    expiresAt: row.expiresAt,
  };
}

/**
 * The link `token` for `actor`, who has just signed in: as readStepUpLink, and issued to them. A
 * refusal is audited against the link's request as `actor`'s refused decision.
 */
export async function readStepUpLinkFor(
  deps: CoreDeps,
  actor: Actor,
  token: string,
): Promise<{ link: StepUpLink; row: RequestRow }> {
  const idHash = verifyLinkToken(deps.keys.tokenKey, token);
  const stored = idHash ? await findStepUpLink(deps.db, idHash) : undefined;
  const row = stored ? await findRequest(deps.db, stored.requestId) : undefined;
  let link: StepUpLink;
  try {
    link = await readStepUpLink(deps, token);
    if (link.principal.toLowerCase() !== actor.identity.toLowerCase())
      throw new AppError(
        'FORBIDDEN',
        `you signed in as ${actor.identity}, but this link was issued to someone else; it works only for the person who clicked in Slack`,
        { details: { link: 'other_person' } },
      );
  } catch (e) {
    if (e instanceof AppError && row) await auditLinkRefusal(deps, actor, row, stored!.decision, e);
    throw e;
  }
  return { link, row: row! };
}

/** Audits `actor`'s refused use of a link on `row` in a transaction of its own. */
export function auditLinkRefusal(
  deps: CoreDeps,
  actor: Actor,
  row: RequestRow,
  decision: StepUpLinkRow['decision'],
  err: AppError,
): Promise<void> {
  return transact(
    deps,
    (tx) =>
      decision === 'review'
        ? auditRequest(tx, actor, row, {
            action: BREAK_GLASS_REVIEW_REFUSED,
            outcome: 'denied',
            details: { code: err.code, reason: err.message },
          })
        : auditRefusal(tx, actor, row, 'approve', err),
    [row.id],
  );
}
