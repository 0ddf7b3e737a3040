/** Step-up approvals (ADR 0050): the freshness rule, single-use links, and the link's decision. */
export { ApprovalsConfig } from './config.js';
export { decideByStepUpLink } from './decide-by-link.js';
export { staleSignIn } from './fresh-sign-in.js';
export { issueStepUpLink, STEP_UP_LINK_ISSUED } from './issue-link.js';
export { openStepUpLink } from './open-link.js';
export { readStepUpLink } from './read-link.js';
export { BREAK_GLASS_REVIEWED, reviewBreakGlass } from './review-break-glass.js';
