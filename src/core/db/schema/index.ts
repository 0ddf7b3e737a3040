/** The whole schema; drizzle-kit generates `drizzle/` from this file. Only src/core/db imports it. */
export { agents } from './agents.js';
export { approvals } from './approvals.js';
export { auditCheckpoints } from './audit-checkpoints.js';
export { auditEvents } from './audit-events.js';
export { outboxDeliveries, outboxEvents } from './outbox.js';
export { policies } from './policies.js';
export { policyRevisions } from './policy-revisions.js';
export { principals } from './principals.js';
export { requests } from './requests.js';
export { siemCursors } from './siem-cursors.js';
export { slackMessages } from './slack-messages.js';
export { stepUpLinks } from './step-up-links.js';
