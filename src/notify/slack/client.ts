/**
 * The Slack Web API client as jitsudo uses it (ADR 0048): no retries and no waiting inside the
 * client — a rate limit or a 5xx comes back at once and the outbox retries it later (honouring
 * Retry-After), so a slow Slack holds no worker. Errors are reduced to Slack's error code or the
 * HTTP status: never the token, a URL or a body.
 */
import { readFileSync } from 'node:fs';
import { ErrorCode, type Logger, LogLevel, WebClient } from '@slack/web-api';
import { AppError } from '../../core/errors.js';
import type { SlackConfig } from '../../core/outbox/slack-config.js';
import type { SinkResult } from '../sink.js';

const TIMEOUT_MS = 10_000;
const MAX_RETRY_AFTER_MS = 3600_000;

/** Slack's answers that will not change by trying again: the config or the app must be fixed. */
const PERMANENT = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'missing_scope',
  'no_permission',
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'restricted_action',
  'no_text',
  'invalid_blocks',
  'invalid_blocks_format',
  'msg_too_long',
  'message_not_found',
  'cant_update_message',
  'user_not_found',
  'users_not_found',
  'invalid_arguments',
]);

/** The bot token and signing secret: inline, or read from their files now (a bad file names its key). */
export function slackSecrets(s: SlackConfig): { token: string; signingSecret: string } {
  return {
    token: s.token ?? readSecret(s.token_file!, 'token_file', 1),
    signingSecret: s.signing_secret ?? readSecret(s.signing_secret_file!, 'signing_secret_file', 16),
  };
}

function readSecret(file: string, key: string, min: number): string {
  let v: string;
  try {
    v = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (e) {
    throw new AppError(
      'VALIDATION',
      `invalid config key notifications.slack.${key}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  if (v.length < min)
    throw new AppError(
      'VALIDATION',
      `invalid config key notifications.slack.${key}: the file holds too short a value`,
    );
  return v;
}

// The client's own logging would print request details; every failure is reported by our caller.
const quiet: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  setLevel() {},
  getLevel: () => LogLevel.ERROR,
  setName() {},
};

/** A client that fails fast (no retries, rate limits rejected) within a bounded time. */
export function slackClient(token: string, apiUrl?: string): WebClient {
  return new WebClient(token, {
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: TIMEOUT_MS,
    logger: quiet,
  });
}

interface SlackishError {
  code?: string;
  data?: { error?: string };
  statusCode?: number;
  retryAfter?: number;
}

/** Slack's error code for a failed call (`ratelimited`, `invalid_auth`, `http_503`, `network`…). */
export function slackErrorCode(err: unknown): string {
  const e = err as SlackishError;
  switch (e?.code) {
    case ErrorCode.RateLimitedError:
      return 'ratelimited';
    case ErrorCode.HTTPError:
      return `http_${e.statusCode}`;
    case ErrorCode.RequestError:
      return 'network';
    case ErrorCode.PlatformError:
      return typeof e.data?.error === 'string' ? e.data.error.slice(0, 64) : 'platform_error';
    default:
      return 'error';
  }
}

/** What the outbox should do after a failed call: retry (rate limit, 5xx, network) or give up. */
export function slackFailure(err: unknown, method: string): SinkResult {
  const code = slackErrorCode(err);
  const error = `slack ${method}: ${code}`;
  const e = err as SlackishError;
  if (code === 'ratelimited') {
    const s = Number(e.retryAfter);
    return {
      ok: false,
      retryable: true,
      error,
      ...(Number.isFinite(s) && s >= 0 ? { retryAfterMs: Math.min(s * 1000, MAX_RETRY_AFTER_MS) } : {}),
    };
  }
  if (code.startsWith('http_')) {
    const status = e.statusCode ?? 0;
    return { ok: false, retryable: status >= 500 || status === 408, error };
  }
  if (code === 'network' || code === 'error') return { ok: false, retryable: true, error };
  return { ok: false, retryable: !PERMANENT.has(code), error };
}

/** Thrown by the sink's steps to carry which call failed up to deliver(). */
export class SlackCallError extends Error {
  constructor(
    readonly method: string,
    readonly inner: unknown,
  ) {
    super(`slack ${method} failed`);
  }
}

/** Runs one Web API call, tagging a failure with the method's name. */
export async function call<T>(method: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw new SlackCallError(method, e);
  }
}
