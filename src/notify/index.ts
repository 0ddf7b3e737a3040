/** Notification sinks and the outbox delivery worker, as a background for createCore (ADR 0046). */
import type { Background } from '../core/create-core.js';
import type { CoreDeps } from '../core/deps.js';
import type { Sink } from './sink.js';
import { slackSinks } from './slack/index.js';
import { WebhookSink, webhookSecrets } from './webhook.js';
import { OutboxWorker } from './worker.js';

export { signatureHeader, verifySignature } from './signature.js';
export type { OutboxEvent, Sink, SinkResult } from './sink.js';
export { WebhookSink } from './webhook.js';
export { OutboxWorker } from './worker.js';

/** The sinks the config names (webhook secrets read from their files now: a bad one throws naming its key). */
export function configuredSinks(deps: Pick<CoreDeps, 'config'>): Sink[] {
  return deps.config.notifications.webhooks.map((w, i) => new WebhookSink(w, webhookSecrets(w, i)));
}

/**
 * `createCore({ background: [notifyBackground()] })`. Runs even with no sink configured, so events
 * are marked dispatched and pruned rather than piling up; honours notifications.worker_enabled.
 */
export function notifyBackground(extra: readonly Sink[] = []): (deps: CoreDeps) => Background {
  return (deps) => {
    if (!deps.config.notifications.worker_enabled) return { start() {}, stop: async () => {} };
    return new OutboxWorker(deps, [...configuredSinks(deps), ...slackSinks(deps), ...extra]);
  };
}
