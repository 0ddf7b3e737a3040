/** openStepUpLink (ADR 0050): the request a step-up link is for, shown to the person it was issued to. */
import type { Actor } from '../actor.js';
import type { CoreDeps } from '../deps.js';
import { decidedView } from '../requests/decide.js';
import type { RequestView } from '../requests/view.js';
import { readStepUpLinkFor } from './read-link.js';

/**
 * The link's request as `actor` (just signed in) sees it, and what the link is for; refusals are
 * audited by readStepUpLinkFor.
 */
export async function openStepUpLink(
  deps: CoreDeps,
  actor: Actor,
  token: string,
): Promise<{ request: RequestView; purpose: 'approve' | 'review' }> {
  const { link, row } = await readStepUpLinkFor(deps, actor, token);
  return { request: await decidedView(deps, row), purpose: link.decision };
}
