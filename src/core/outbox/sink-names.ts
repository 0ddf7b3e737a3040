/** The names of the outbox sinks the config defines (delivery rows are keyed by them). */
import type { Config } from '../config.js';

/** Webhooks, the email sink and the Slack sink, in that order. */
export function configuredSinkNames(config: Pick<Config, 'notifications'>): string[] {
  const n = config.notifications;
  const names = n.webhooks.map((w) => w.name);
  if (n.email) names.push(n.email.name);
  if (n.slack) names.push('slack');
  return names;
}
