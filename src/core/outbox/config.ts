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
    /** Delivered events older than this are deleted. */
    retention_days: z.number().int().min(1).default(7),
    webhooks: z
      .array(WebhookConfig)
      .default([])
      .refine((ws) => new Set(ws.map((w) => w.name)).size === ws.length, 'webhook names must be unique'),
    slack: SlackConfig.optional(),
  })
  .strict();

export type NotificationsConfig = z.infer<typeof NotificationsConfig>;

/** The defaults, for the config's `.default(...)`. */
export const NOTIFICATIONS_DEFAULTS = NotificationsConfig.parse({});
