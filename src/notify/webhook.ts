/**
 * The webhook sink: POSTs the event as JSON, signed (signature.ts), redirects not followed, the
 * time bounded. 2xx delivered; 408, 429, 5xx, timeouts and network errors retried (Retry-After
 * honoured); any other status is permanent (the receiver refused this event: ADR 0046).
 */
import { readFileSync } from 'node:fs';
import { AppError } from '../core/errors.js';
import type { WebhookConfig } from '../core/outbox/config.js';
import { signatureHeader } from './signature.js';
import { eventFilter, type OutboxEvent, type Sink, type SinkResult } from './sink.js';

const MAX_RETRY_AFTER_MS = 3600_000;

/** The secrets of `w`: inline first, then the files' contents (read now; a bad file names its key). */
export function webhookSecrets(w: WebhookConfig, index: number): string[] {
  const fromFiles = w.secret_files.map((f, i) => {
    let s: string;
    try {
      s = readFileSync(f, 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      throw new AppError(
        'VALIDATION',
        `invalid config key notifications.webhooks.${index}.secret_files.${i}: cannot read ${f} (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
    if (s.length < 16)
      throw new AppError(
        'VALIDATION',
        `invalid config key notifications.webhooks.${index}.secret_files.${i}: the secret must be at least 16 characters`,
      );
    return s;
  });
  return [...w.secrets, ...fromFiles];
}

/** The JSON body every webhook receives. */
export function webhookBody(e: OutboxEvent): string {
  return JSON.stringify({
    id: e.id,
    type: e.type,
    time: e.time,
    request_id: e.request_id,
    data: e.data,
    request: e.request,
  });
}

export class WebhookSink implements Sink {
  readonly name: string;
  readonly wants: (type: string) => boolean;
  readonly #url: string;
  readonly #secrets: readonly string[];
  readonly #timeoutMs: number;
  readonly #now: () => Date;

  /** `now` is the wall clock the receiver checks signatures against (not a test's moved clock). */
  constructor(w: WebhookConfig, secrets: readonly string[], now: () => Date = () => new Date()) {
    this.name = w.name;
    this.wants = eventFilter(w.events);
    this.#url = w.url;
    this.#secrets = secrets;
    this.#timeoutMs = w.timeout_ms;
    this.#now = now;
  }

  async deliver(e: OutboxEvent, signal: AbortSignal): Promise<SinkResult> {
    const body = webhookBody(e);
    const t = Math.floor(this.#now().getTime() / 1000);
    let res: Response;
    try {
      res = await fetch(this.#url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.#timeoutMs)]),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'jitsudod-webhook',
          'x-jitsudo-event-id': e.id,
          'x-jitsudo-event-type': e.type,
          'x-jitsudo-signature-256': signatureHeader(body, t, this.#secrets),
        },
        body,
      });
    } catch (err) {
      const name = (err as Error).name;
      const why =
        name === 'TimeoutError'
          ? `timed out after ${this.#timeoutMs} ms`
          : name === 'AbortError'
            ? 'aborted (server stopping)'
            : `network error: ${networkCode(err)}`;
      return { ok: false, retryable: true, error: why };
    }
    // The receiver's body is not ours to keep; release the connection.
    await res.body?.cancel().catch(() => {});
    if (res.status >= 200 && res.status < 300) return { ok: true };
    const error = `HTTP ${res.status}`;
    if (res.status === 408 || res.status === 429 || res.status >= 500)
      return {
        ok: false,
        retryable: true,
        error,
        retryAfterMs: retryAfter(res.headers.get('retry-after'), this.#now()),
      };
    if (res.status >= 300 && res.status < 400)
      return { ok: false, retryable: false, error: `${error} (redirects are not followed)` };
    return { ok: false, retryable: false, error };
  }
}

/** Retry-After as delay-seconds or an HTTP date, in ms (capped); undefined when absent or bad. */
export function retryAfter(v: string | null, now: Date): number | undefined {
  if (!v) return undefined;
  const ms = /^\d+$/.test(v.trim()) ? Number(v) * 1000 : Date.parse(v) - now.getTime();
  return Number.isFinite(ms) && ms >= 0 ? Math.min(ms, MAX_RETRY_AFTER_MS) : undefined;
}

// Only the error code (ECONNREFUSED…): a message could carry the URL, and so a token in its query.
function networkCode(err: unknown): string {
  const cause = (err as { cause?: { code?: string } }).cause;
  return cause?.code ?? 'fetch failed';
}
