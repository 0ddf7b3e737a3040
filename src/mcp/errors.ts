/**
 * The one mapper from errors to MCP: every failure of a tool becomes an `isError: true` result whose
 * first text block is an actionable sentence for a model (what happened, what to do next) and whose
 * second block is the error as JSON (code, message, details). Unknown errors are logged and become a
 * generic sentence; nothing else (no stack, no secret) leaves.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from 'pino';
import { DATA_EXCEPTION_LOG, dataException } from '../core/db/data-error.js';
import { loggableError } from '../core/db/loggable-error.js';
import { type AppErrorCode, isAppError } from '../core/errors.js';

type Details = Record<string, unknown> | undefined;

interface Alternative {
  provider: string;
  role: string;
  resource_scope: string;
  duration_seconds: number;
  break_glass?: boolean;
  approver_tier?: string;
  why?: string;
}

const list = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

function alternativesText(details: Details): string {
  const alts = (Array.isArray(details?.alternatives) ? details.alternatives : []) as Alternative[];
  if (alts.length === 0)
    return ' Policy names no allowed alternative; call list_eligible_access to see what you may request.';
  const items = alts.map(
    (a) =>
      `provider=${a.provider} role=${a.role} scope=${a.resource_scope} duration=${a.duration_seconds}s${a.break_glass ? ' break_glass' : ''} (approver: ${a.approver_tier ?? 'unknown'}${a.why ? `; ${a.why}` : ''})`,
  );
  return ` Allowed instead: ${items.join(' | ')}. Ask again with one of these if it is enough for the task.`;
}

function retryText(details: Details): string {
  const limit = typeof details?.limit === 'string' ? details.limit : 'a per-agent limit';
  const after = typeof details?.retry_after_seconds === 'number' ? details.retry_after_seconds : undefined;
  const when =
    after !== undefined ? ` Retry in about ${after} seconds` : ' Retry when one of your requests has ended';
  // A cap on calls in flight (src/mcp/limits.ts) frees itself when one of them returns.
  if (details?.concurrent === true)
    return `${when}, after one of your calls in flight has returned; do not run more of them at once. Limit: ${limit}.`;
  return `${when}, or free capacity first (release_access for grants you no longer need, cancel_request for requests you no longer want). Limit: ${limit}.`;
}

const NEXT: Record<AppErrorCode, (d: Details, message: string) => string> = {
  VALIDATION: () => ' Fix that argument and call the tool again.',
  NOT_FOUND: () =>
    ' Check the id: list_my_requests shows your requests (an id you may not see looks missing).',
  FORBIDDEN: () => ' This identity is not allowed to do this; retrying will not help.',
  CONFLICT: () => ' Call get_request to see its current state before doing anything else.',
  POLICY_DENIED: (d, message) => {
    // The message usually quotes the first reason already; list only what it does not say.
    const reasons = list(d?.reasons).filter((r) => !message.includes(r));
    return `${reasons.length ? ` Policy reasons: ${reasons.join('; ')}.` : ''}${d && 'alternatives' in d ? alternativesText(d) : ''}`;
  },
  RATE_LIMITED: retryText,
  PROVIDER_ERROR: () => ' The cloud provider failed; try again in a minute.',
  POLICY_ERROR: () =>
    ' The access policy could not be evaluated, so nothing was granted; retrying will not help until the operator fixes the policy.',
  UNAUTHENTICATED: () => ' The token is missing, invalid, expired or revoked; get a new one.',
  INTERNAL: () => ' Try again later; if it keeps failing, tell the operator.',
  UNAVAILABLE: () =>
    ' A service the server depends on (the identity provider) did not answer; try again in a minute.',
};

const sentence = (s: string) => (/[.!?]$/.test(s) ? s : `${s}.`);

/** Maps anything a tool threw to an isError result. */
export function toolError(err: unknown, log: Logger, tool: string): CallToolResult {
  const data = dataException(err);
  if (data) {
    log.warn({ tool, sqlstate: data.details?.sqlstate }, DATA_EXCEPTION_LOG);
    err = data;
  }
  let code: AppErrorCode = 'INTERNAL';
  let message = 'internal error';
  let details: Details;
  let retryable = false;
  if (isAppError(err)) {
    code = err.code;
    if (code !== 'INTERNAL') {
      message = err.message;
      details = err.details;
      retryable = err.retryable;
    }
    if (code === 'INTERNAL' || code === 'PROVIDER_ERROR' || code === 'POLICY_ERROR' || code === 'UNAVAILABLE')
      log.error({ tool, err: { code: err.code, message: err.message } }, 'mcp tool failed');
  } else {
    // A failed SQL statement by SQLSTATE and statement only: its parameters are the caller's text.
    log.error({ tool, err: loggableError(err) }, 'mcp tool failed');
  }
  const text = `${sentence(message)}${NEXT[code](details, message)}`;
  return {
    isError: true,
    content: [
      { type: 'text', text },
      {
        type: 'text',
        text: JSON.stringify({
          error: { code, message, ...(details ? { details } : {}), ...(retryable ? { retryable } : {}) },
        }),
      },
    ],
  };
}
