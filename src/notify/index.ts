/** Notification sinks and the outbox delivery worker, as a background for createCore (ADR 0046). */
import type { Background } from '../core/create-core.js';
import type { CoreDeps } from '../core/deps.js';
import { AppError } from '../core/errors.js';
import { approverCandidates } from '../core/outbox/approvers.js';
import { EmailSink, emailPassword } from './email.js';
import { SiemStreamer } from './siem/streamer.js';
import { siemTransport } from './siem/transports.js';
import type { Sink } from './sink.js';
import { SLACK_SINK_NAME, slackSinks } from './slack/index.js';
import { WebhookSink, webhookSecrets } from './webhook.js';
import { OutboxWorker } from './worker.js';

export { EmailSink } from './email.js';
export { SiemStreamer } from './siem/streamer.js';
export { signatureHeader, verifySignature } from './signature.js';
export type { OutboxEvent, Sink, SinkResult } from './sink.js';
export { WebhookSink } from './webhook.js';
export { OutboxWorker } from './worker.js';

/** The sinks the config names (webhook secrets read from their files now: a bad one throws naming its key). */
export function configuredSinks(deps: Pick<CoreDeps, 'config'> & Partial<Pick<CoreDeps, 'db'>>): Sink[] {
  const n = deps.config.notifications;
  const sinks: Sink[] = n.webhooks.map((w, i) => new WebhookSink(w, webhookSecrets(w, i)));
  if (n.email) {
    if (sinks.some((s) => s.name === n.email!.name) || (n.slack && n.email.name === SLACK_SINK_NAME))
      throw new AppError(
        'VALIDATION',
        `invalid config key notifications.email.name: "${n.email.name}" is taken by another sink`,
      );
    const db = deps.db;
    const approvers = db ? (id: string) => approverCandidates({ db, config: deps.config }, id) : undefined;
    sinks.push(new EmailSink(n.email, emailPassword(n.email), approvers));
  }
  return sinks;
}

/**
 * `createCore({ background: [notifyBackground()] })`. Runs even with no sink configured, so events
 * are marked dispatched and pruned rather than piling up; honours notifications.worker_enabled.
 */
export function notifyBackground(extra: readonly Sink[] = []): (deps: CoreDeps) => Background {
  return (deps) => {
    if (!deps.config.notifications.worker_enabled) return { start() {}, stop: async () => {} };
    const worker = new OutboxWorker(deps, [...configuredSinks(deps), ...slackSinks(deps), ...extra]);
    const siem = configuredSiem(deps);
    if (!siem) return worker;
    return {
      start() {
        worker.start();
        siem.start();
      },
      stop: async () => {
        await Promise.all([worker.stop(), siem.stop()]);
      },
    };
  };
}

/** The SIEM streamer for notifications.siem (files read now), or undefined when none is configured. */
export function configuredSiem(deps: CoreDeps): SiemStreamer | undefined {
  const siem = deps.config.notifications.siem;
  if (siem.length === 0) return undefined;
  return new SiemStreamer(
    deps,
    siem.map((c, i) => ({ config: c, transport: siemTransport(c, i) })),
  );
}
