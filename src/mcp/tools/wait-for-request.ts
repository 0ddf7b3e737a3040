/**
 * wait_for_request: re-reads the request (the same core getRequest every surface uses) until it has
 * left PENDING — and APPROVED, which only lasts while the grant is issued — or the timeout passes.
 * With a progressToken the server answers as an SSE stream and sends progress notifications.
 */
import { z } from 'zod';
import type { RequestView } from '../../core/requests/view.js';
import { READ } from '../annotations.js';
import type { McpContext } from '../context.js';
import { defineTool, type ToolExtra } from '../define.js';
import { RequestIdArg, RequestOut } from '../schemas.js';
import { nextStep } from './request-access.js';

const WAITING = new Set(['PENDING', 'APPROVED']);
const DEFAULT_TIMEOUT_SECONDS = 50;

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

async function progress(extra: ToolExtra, value: number, total: number, message: string): Promise<void> {
  const token = extra._meta?.progressToken;
  if (token === undefined) return;
  try {
    await extra.sendNotification({
      method: 'notifications/progress',
      params: { progressToken: token, progress: value, total, message },
    });
  } catch {
    // The client went away; the wait ends at the next check of the signal.
  }
}

function anySignal(signals: (AbortSignal | undefined)[]): AbortSignal | undefined {
  const live = signals.filter((s): s is AbortSignal => s !== undefined);
  return live.length > 1 ? AbortSignal.any(live) : live[0];
}

async function waitFor(ctx: McpContext, id: string, timeoutS: number, extra: ToolExtra) {
  const started = Date.now();
  const deadline = started + timeoutS * 1000;
  const signal = anySignal([ctx.signal, extra.signal]);
  let request: RequestView = await ctx.verbs.getRequest(ctx.actor, { id });
  let lastProgress = started;
  let sent = 0;
  while (WAITING.has(request.state) && Date.now() < deadline && !signal?.aborted) {
    await sleep(Math.min(ctx.wait.pollMs, deadline - Date.now()), signal);
    const before = request.state;
    request = await ctx.verbs.getRequest(ctx.actor, { id });
    const now = Date.now();
    if (now - lastProgress >= ctx.wait.progressEveryMs || request.state !== before) {
      lastProgress = now;
      // Elapsed seconds, strictly increasing as the protocol requires.
      sent = Math.max(sent + 0.001, Math.round((now - started) / 10) / 100);
      await progress(
        extra,
        sent,
        timeoutS,
        `request ${id} is ${request.state} after ${Math.round((now - started) / 1000)} s`,
      );
    }
  }
  return { request, waited_seconds: Math.round((Date.now() - started) / 100) / 10 };
}

export const waitForRequestTool = defineTool({
  name: 'wait_for_request',
  title: 'Wait for a decision on your request',
  right: 'requester',
  description:
    'Blocks until your request is no longer waiting (it became ACTIVE, or was rejected, cancelled, expired or ' +
    'failed) or until timeout_seconds pass, then returns it. Pass a progressToken to receive progress ' +
    'notifications while waiting (and to keep client timeouts from firing on long waits). If it returns with ' +
    'done=false, call it again; approvers may take a while. Returns {request, done, waited_seconds}.',
  input: z
    .object({
      request_id: RequestIdArg,
      timeout_seconds: z
        .number()
        .int()
        .min(1)
        .max(300)
        .optional()
        .describe(`how long to wait at most, 1–300 s (default ${DEFAULT_TIMEOUT_SECONDS})`),
    })
    .strict(),
  output: {
    request: RequestOut,
    done: z.boolean().describe('false when the timeout passed while the request was still waiting'),
    waited_seconds: z.number(),
  },
  annotations: READ,
  waits: true,
  async run(ctx, a, extra) {
    const timeout = Math.min(a.timeout_seconds ?? DEFAULT_TIMEOUT_SECONDS, ctx.wait.maxSeconds);
    const { request, waited_seconds } = await waitFor(ctx, a.request_id, timeout, extra);
    const done = !WAITING.has(request.state);
    const summary = done
      ? nextStep(request)
      : `Request ${request.id} is still ${request.state} after ${waited_seconds} s; call wait_for_request again.`;
    return { structured: { request, done, waited_seconds }, summary };
  },
});
