/**
 * `notifications:` in the server config (ADR 0046): the outbox worker's knobs and the webhook
 * sinks. Secrets come inline or from files (`secret_files`, read at start-up, like tls.key_file).
 */
import { z } from 'zod';
import { EVENT_TYPES } from './events.js';
import { SlackConfig } from './slack-config.js';

const SINK_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** An event filter: an exact type, `noun.*`, or `*`. */
const EventFilter = z
  .string()
  .refine(
    (f) =>
      f === '*' ||
      EVENT_TYPES.includes(f) ||
      (f.endsWith('.*') && EVENT_TYPES.some((t) => t.startsWith(f.slice(0, -1)))),
    { message: `unknown event type; known: ${EVENT_TYPES.join(', ')} (or noun.*, *)` },
  );

export const WebhookConfig = z
  .object({
    name: z.string().regex(SINK_NAME, 'lowercase letters, digits, - and _ (at most 63)'),
    url: z
      .string()
      .url()
      .refine((u) => /^https?:$/.test(new URL(u).protocol), 'must be an http(s) URL')
      .refine((u) => !new URL(u).username && !new URL(u).password, 'must not carry credentials'),
    events: z.array(EventFilter).min(1).default(['*']),
    /** Signing secrets: the first signs; with two, both sign (rotation without downtime). */
    secrets: z.array(z.string().min(16, 'at least 16 characters')).max(2).default([]),
    /** Files holding a secret each (trailing newline trimmed), after `secrets`. */
    secret_files: z.array(z.string().min(1)).max(2).default([]),
    timeout_ms: z.number().int().min(100).max(60_000).default(5000),
  })
  .strict()
  .refine((w) => w.secrets.length + w.secret_files.length >= 1, {
    message: 'needs a signing secret (secrets or secret_files)',
    path: ['secrets'],
  })
  .refine((w) => w.secrets.length + w.secret_files.length <= 2, {
    message: 'at most two active secrets',
    path: ['secrets'],
  });

export type WebhookConfig = z.infer<typeof WebhookConfig>;

const Email = z.string().email();

/** Who gets an email for which events: every rule whose match fits adds its `to` (docs/notifications.md). */
const EmailRecipients = z
  .object({
    match: z
      .object({
        events: z.array(EventFilter).min(1).default(['*']),
        provider: z.string().min(1).optional(),
        role: z.string().min(1).optional(),
      })
      .strict()
      .default({ events: ['*'] }),
    to: z.array(Email).min(1),
  })
  .strict();

/** The email sink (SMTP via nodemailer). Every timeout is bounded: a hanging server is a retry, never a stuck worker. */
export const EmailConfig = z
  .object({
    name: z.string().regex(SINK_NAME).default('email'),
    smtp: z
      .object({
        host: z.string().min(1),
        port: z.number().int().min(1).max(65535).default(587),
        /** `tls`: TLS from the first byte (465); `starttls`: upgrade required; `none`: tests only. */
        security: z.enum(['tls', 'starttls', 'none']).default('starttls'),
        /** PEM file of the CA to trust instead of the system's (a private relay). */
        ca_file: z.string().min(1).optional(),
        user: z.string().min(1).optional(),
        password: z.string().min(1).optional(),
        password_file: z.string().min(1).optional(),
        connection_timeout_ms: z.number().int().min(100).max(120_000).default(10_000),
        greeting_timeout_ms: z.number().int().min(100).max(120_000).default(10_000),
        socket_timeout_ms: z.number().int().min(100).max(300_000).default(30_000),
      })
      .strict()
      .refine((s) => !(s.password && s.password_file), {
        message: 'password or password_file, not both',
        path: ['password'],
      })
      .refine((s) => !(s.password || s.password_file) || s.user, {
        message: 'a password needs a user',
        path: ['user'],
      }),
    from: z.string().min(3),
    recipients: z.array(EmailRecipients).default([]),
    /**
     * Also mail the request's resolved approvers (ADR 0057) when it starts waiting for a person:
     * candidates from what jitsudo knows of its principals; the decision is still core's.
     */
    to_approvers: z.boolean().default(false),
  })
  .strict()
  .refine((e) => e.recipients.length > 0 || e.to_approvers, {
    message: 'needs recipients, or to_approvers: true',
    path: ['recipients'],
  });

export type EmailConfig = z.infer<typeof EmailConfig>;

/**
 * One SIEM stream of the audit rows themselves (ADR 0049): JSON lines over HTTPS, or RFC 5424
 * syslog over TCP / TLS, from a per-sink cursor in the database.
 */
export const SiemConfig = z
  .object({
    name: z.string().regex(SINK_NAME, 'lowercase letters, digits, - and _ (at most 63)'),
    /** `https://…` (JSON lines, POST), `syslog+tcp://host:port` or `syslog+tls://host:port`. */
    url: z
      .string()
      .url()
      .refine(
        (u) => /^(https?|syslog\+tcp|syslog\+tls):$/.test(new URL(u).protocol),
        'https://, syslog+tcp:// or syslog+tls://',
      )
      .refine((u) => !new URL(u).username && !new URL(u).password, 'must not carry credentials'),
    /** `jitsudo`: the audit row as stored (with hash, prev_hash, mac); `ocsf`: that plus an OCSF mapping. */
    format: z.enum(['jitsudo', 'ocsf']).default('jitsudo'),
    /** PEM file of the CA to trust instead of the system's. */
    ca_file: z.string().min(1).optional(),
    /** Bearer token file for HTTPS receivers (Splunk HEC-style); read at start-up. */
    token_file: z.string().min(1).optional(),
    batch_size: z.number().int().min(1).max(5000).default(500),
    timeout_ms: z.number().int().min(100).max(60_000).default(10_000),
    poll_interval_ms: z.number().int().min(10).max(60_000).default(1000),
    max_backoff_seconds: z.number().int().min(1).max(3600).default(300),
  })
  .strict();

export type SiemConfig = z.infer<typeof SiemConfig>;

/**
 * Whom the Slack DMs (`slack.dm_approvers`) and emails (`email.to_approvers`) go to for a request
 * waiting for a person (ADR 0057): principals in its approver groups (as remembered from their last
 * authenticated call), or at `min_trust_tier` or above when it names no group. Candidates, not
 * authority: a click or reply is decided by core like any other.
 */
export const ApproversConfig = z
  .object({
    /** At most this many are notified per request (most recently seen first); the status says when capped. */
    max_recipients: z.number().int().min(1).max(500).default(20),
    /** For requests without approver groups: the tier the approval policy asks of an approver. */
    min_trust_tier: z.number().int().min(0).max(4).default(2),
  })
  .strict();

export type ApproversConfig = z.infer<typeof ApproversConfig>;

export const NotificationsConfig = z
  .object({
    /** Run the delivery worker in this process (every replica may). */
    worker_enabled: z.boolean().default(true),
    poll_interval_ms: z.number().int().min(10).max(60_000).default(200),
    /** A claimed delivery returns to the pool after this long if its worker died. */
    lease_seconds: z.number().int().min(5).max(3600).default(60),
    max_attempts: z.number().int().min(1).max(100).default(12),
    /** First retry delay; doubles each attempt (with full jitter) up to max_backoff_seconds. */
    backoff_base_ms: z.number().int().min(10).default(1000),
    max_backoff_seconds: z.number().int().min(1).default(3600),
    /** Deliveries in flight at once per sink and process. */
    concurrency: z.number().int().min(1).max(256).default(16),
    /** "About to expire" is told this long before a grant's expiry. */
    expiry_warning_seconds: z.number().int().min(0).default(300),
    /**
     * Settled outbox events older than this, and the Slack message refs of requests that ended
     * longer ago, are deleted (ADR 0057; the audit log keeps the record).
     */
    retention_days: z.number().int().min(1).max(3650).default(30),
    webhooks: z
      .array(WebhookConfig)
      .default([])
      .refine((ws) => new Set(ws.map((w) => w.name)).size === ws.length, 'webhook names must be unique'),
    approvers: ApproversConfig.default({ max_recipients: 20, min_trust_tier: 2 }),
    slack: SlackConfig.optional(),
    email: EmailConfig.optional(),
    siem: z
      .array(SiemConfig)
      .default([])
      .refine((ss) => new Set(ss.map((s) => s.name)).size === ss.length, 'siem sink names must be unique'),
  })
  .strict();

export type NotificationsConfig = z.infer<typeof NotificationsConfig>;

/** The defaults, for the config's `.default(...)`. */
export const NOTIFICATIONS_DEFAULTS = NotificationsConfig.parse({});
