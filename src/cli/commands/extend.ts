/** `jitsudo extend <id> --duration 1h --reason …`: more time on your ACTIVE grant (ADR 0045). */
import { z } from 'zod';
import type { ElevationRequest } from '../../client/types.js';
import { globalFields, leaf } from '../args.js';
import { authedClient } from '../context.js';
import { emit } from '../output.js';

/** One line saying where the extension stands and, once applied, when the grant now ends. */
function line(ext: ElevationRequest): string {
  const of = String(ext.extends_request_id ?? '');
  switch (ext.state) {
    case 'APPLIED':
      return `Extension ${ext.id} → APPLIED: request ${of} is ACTIVE until ${ext.expires_at}`;
    case 'PENDING':
      return `Extension ${ext.id} → PENDING (${ext.approver_tier === 'ai_review' ? 'AI review' : 'human approval'}); request ${of} keeps its end until it is approved`;
    case 'APPROVED':
      return `Extension ${ext.id} → APPROVED, being applied${ext.error ? ` (retrying: ${ext.error})` : ''}`;
    default:
      return `Extension ${ext.id} → ${ext.state}${ext.error ? `: ${ext.error}` : ''}`;
  }
}

export const extendCommand = leaf({
  name: 'extend',
  description:
    'Ask for more time on your active grant (policy decides; never past the total-duration ceiling)',
  args: {
    id: { type: 'positional', description: 'request id of the ACTIVE grant', required: true },
    duration: { type: 'string', description: 'time to add: 30m, 1h, 1d or seconds', required: true },
    reason: { type: 'string', description: 'why you need more time', required: true },
  },
  schema: z
    .object({
      id: z.string().min(1).max(64),
      duration: z.string().min(1, 'say how much time to add, e.g. --duration 30m').max(64),
      reason: z.string().min(1, 'a reason is required').max(4096),
      ...globalFields,
    })
    .strict(),
  async run(a) {
    // Seconds as typed stay a number; everything else the server parses (and explains).
    const duration = /^\d+$/.test(a.duration) ? Number(a.duration) : a.duration;
    const ext = await authedClient(a.server).extendRequest(a.id, { duration, reason: a.reason });
    emit(a.output, ext, () => line(ext));
  },
});
