/**
 * `notifications.slack` (ADR 0048): the bot token and the interactivity signing secret (inline or
 * from files read at start-up), and which channels hear about which requests.
 */
import { z } from 'zod';

/** Where Slack posts: every rule whose match fits the request adds its channel (an empty match fits all). */
export const SlackChannelRule = z
  .object({
    match: z
      .object({
        provider: z.string().min(1).optional(),
        role: z.string().min(1).optional(),
        /** The approver tier the policy routed the request to. */
        tier: z.enum(['auto', 'human', 'ai_review']).optional(),
      })
      .strict()
      .default({}),
    /** A channel id (C0123…) or name. */
    channel: z.string().regex(/^#?[A-Za-z0-9._-]{1,80}$/, 'a Slack channel id or name'),
  })
  .strict();

/** `notifications.slack` (ADR 0048): the bot token, the interactivity signing secret, channel rules. */
export const SlackConfig = z
  .object({
    token: z.string().min(1).optional(),
    token_file: z.string().min(1).optional(),
    signing_secret: z.string().min(16, 'at least 16 characters').optional(),
    signing_secret_file: z.string().min(1).optional(),
    channels: z.array(SlackChannelRule).default([]),
    /** Tell the requester (an agent's owner) of each decision and of the grant's end, by DM. */
    dm_requester: z.boolean().default(false),
    /**
     * DM each resolved approver (notifications.approvers, ADR 0057) the request with its buttons when it
     * starts waiting for a person; found by email (users.lookupByEmail), skipped when Slack has no such user.
     */
    dm_approvers: z.boolean().default(false),
    /** The Web API base (tests, proxies); Slack's own by default. Must end with a slash. */
    api_url: z
      .string()
      .url()
      .refine((u) => /^https?:$/.test(new URL(u).protocol), 'must be an http(s) URL')
      .refine((u) => u.endsWith('/'), 'must end with /')
      .optional(),
    /** How long a Slack user's email (users.info) is trusted before it is asked again. */
    user_cache_seconds: z.number().int().min(0).max(86_400).default(300),
  })
  .strict()
  .refine((s) => (s.token === undefined) !== (s.token_file === undefined), {
    message: 'needs exactly one of token or token_file',
    path: ['token'],
  })
  .refine((s) => (s.signing_secret === undefined) !== (s.signing_secret_file === undefined), {
    message: 'needs exactly one of signing_secret or signing_secret_file',
    path: ['signing_secret'],
  });

export type SlackConfig = z.infer<typeof SlackConfig>;
