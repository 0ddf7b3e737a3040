/** `jitsudo server outbox requeue`: dead notification deliveries back in the queue (admin, ADR 0057). */
import { defineCommand } from 'citty';
import { z } from 'zod';
import { globalFields, leaf } from '../../args.js';
import { authedClient } from '../../context.js';
import { CliError } from '../../errors.js';
import { EXIT } from '../../exit-codes.js';
import { emit } from '../../output.js';

const requeueCommand = leaf({
  name: 'requeue',
  description: 'Put dead notification deliveries back in the queue (admin): --sink, --event, or --all',
  args: {
    sink: { type: 'string', description: 'only this sink (a webhook name, email, slack)' },
    event: { type: 'string', description: 'only this event (evt_…)' },
    all: { type: 'boolean', description: 'every dead delivery of every configured sink' },
  },
  schema: z
    .object({
      sink: z.string().min(1).max(63).optional(),
      event: z.string().min(1).max(64).optional(),
      all: z.boolean().default(false),
      ...globalFields,
    })
    .strict(),
  async run(a) {
    // The server refuses this too; saying it here spares a round trip and names the flags.
    if (a.all === (a.sink !== undefined || a.event !== undefined))
      throw new CliError('name --sink and/or --event, or --all (not both)', EXIT.USAGE);
    const r = await authedClient(a.server).requeueDeadDeliveries(
      a.all ? { all: true } : { sink: a.sink, event_id: a.event },
    );
    emit(a.output, r, () =>
      r.requeued === 0
        ? 'No dead deliveries matched; nothing requeued.'
        : `Requeued ${r.requeued} dead ${r.requeued === 1 ? 'delivery' : 'deliveries'} (${r.sinks
            .map((s) => `${s.sink}: ${s.count}`)
            .join(', ')}); see \`jitsudo server status\`.`,
    );
  },
});

export const outboxCommand = defineCommand({
  meta: { name: 'outbox', description: 'Notification deliveries (admin): requeue' },
  subCommands: { requeue: requeueCommand },
});
