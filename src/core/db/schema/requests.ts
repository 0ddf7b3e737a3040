import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { REQUEST_STATES } from '../../requests/states.js';

// The state machine owns the list of states; the table stores them and checks them.
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** One elevation request and its grant. Credentials are only ever stored encrypted, and wiped at the end. */
export const requests = pgTable(
  'requests',
  {
    id: text('id').primaryKey(),
    state: text('state', { enum: REQUEST_STATES }).notNull(),
    requesterIdentity: text('requester_identity').notNull(),
    requesterKind: text('requester_kind', { enum: ['human', 'agent', 'service'] })
      .notNull()
      .default('human'),
    requesterGroups: jsonb('requester_groups').$type<string[]>().notNull().default([]),
    agentId: text('agent_id'),
    agentName: text('agent_name'),
    agentOwner: text('agent_owner'),
    /** Who registered the requesting agent: a controller of it, like its owner (agents/controllers.ts). */
    agentCreatedBy: text('agent_created_by'),
    provider: text('provider').notNull(),
    role: text('role').notNull(),
    resourceScope: text('resource_scope').notNull().default(''),
    durationSeconds: integer('duration_seconds').notNull(),
    reason: text('reason').notNull().default(''),
    breakGlass: boolean('break_glass').notNull().default(false),
    metadata: jsonb('metadata').$type<Record<string, string>>().notNull().default({}),
    approverTier: text('approver_tier', { enum: ['auto', 'ai_review', 'human'] })
      .notNull()
      .default('human'),
    /** How many distinct approvers must approve (N of M), fixed by the approval policy at creation (ADR 0044). */
    approvalsRequired: integer('approvals_required').notNull().default(1),
    /** Groups an approver must be in (one of) to decide; empty: no group restriction. Fixed at creation. */
    approverGroups: jsonb('approver_groups').$type<string[]>().notNull().default([]),
    /** An approval needs a fresh IdP sign-in (ADR 0050); fixed by the approval policy at creation. */
    stepUp: boolean('step_up').notNull().default(false),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    pendingExpiresAt: ts('pending_expires_at'),
    /** When an `ai_review` request nobody reviewed is escalated to humans. */
    escalateAt: ts('escalate_at'),
    approvedAt: ts('approved_at'),
    grantedAt: ts('granted_at'),
    expiresAt: ts('expires_at'),
    endedAt: ts('ended_at'),
    endReason: text('end_reason'),
    /** What the provider needs to revoke the grant; never secret. */
    grantHandle: jsonb('grant_handle').$type<Record<string, unknown>>(),
    /** AES-256-GCM blob (crypto/secrets.ts); NULL once the grant has ended. */
    credentialsEnc: text('credentials_enc'),
    grantAttempts: integer('grant_attempts').notNull().default(0),
    revokeAttempts: integer('revoke_attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at'),
    lastError: text('last_error'),
    /** What the provider's inspect reported at creation: what the grant really gives (never secret). */
    targetFacts: jsonb('target_facts').$type<Record<string, unknown>>(),
    /** Access is cut but something is left at the target; retried by the sweeper until gone (ADR 0033). */
    cleanupPending: text('cleanup_pending'),
    cleanupAttempts: integer('cleanup_attempts').notNull().default(0),
    cleanupNextAt: ts('cleanup_next_at'),
    cleanupError: text('cleanup_error'),
    /** Set on an extension: the ACTIVE request whose expiry its approval moves (ADR 0045). */
    extendsRequestId: text('extends_request_id').references((): AnyPgColumn => requests.id),
    /** An extension's ceiling on the grant's total time, fixed when it was requested (config and policy). */
    extensionCeilingSeconds: integer('extension_ceiling_seconds'),
    version: integer('version').notNull().default(0),
  },
  (t) => [
    index('requests_requester_created_idx').on(t.requesterIdentity, t.createdAt.desc()),
    index('requests_created_idx').on(t.createdAt.desc(), t.id.desc()),
    index('requests_state_expires_idx').on(t.state, t.expiresAt),
    index('requests_state_pending_expires_idx').on(t.state, t.pendingExpiresAt),
    index('requests_state_next_attempt_idx').on(t.state, t.nextAttemptAt),
    index('requests_state_escalate_idx').on(t.state, t.escalateAt),
    // At most one open extension per grant: parallel extends cannot both pass the ceiling.
    uniqueIndex('requests_one_open_extension_idx')
      .on(t.extendsRequestId)
      .where(sql`${t.extendsRequestId} is not null and ${t.state} in ('PENDING', 'APPROVED')`),
    index('requests_cleanup_next_idx').on(t.cleanupNextAt).where(sql`${t.cleanupPending} is not null`),
    check('requests_state_check', sql.raw(`state in (${REQUEST_STATES.map((s) => `'${s}'`).join(', ')})`)),
    check('requests_requester_kind_check', sql`${t.requesterKind} in ('human', 'agent', 'service')`),
    check('requests_approver_tier_check', sql`${t.approverTier} in ('auto', 'ai_review', 'human')`),
    check('requests_approvals_required_check', sql`${t.approvalsRequired} between 1 and 10`),
    check('requests_duration_check', sql`${t.durationSeconds} > 0`),
  ],
);
