/** approve / deny / cancel / revoke: one call each, printing `Request <id> → <STATE>`. */
import { z } from 'zod';
import type { ElevationRequest } from '../../client/types.js';
import { globalFields, leaf } from '../args.js';
import { authedClient } from '../context.js';
import { emit } from '../output.js';
import { quorumLine } from '../render.js';

const Id = z.string().min(1).max(64);
/** approve and deny take the same words: --comment and --reason are one field (issue 12). */
const Because = (nonEmpty: boolean) => {
  const text = nonEmpty ? z.string().min(1, 'must not be empty').max(4096) : z.string().max(4096);
  return { comment: text.optional(), reason: text.optional() };
};
const show = (format: 'table' | 'json' | 'yaml', r: ElevationRequest) =>
  emit(format, r, () => `Request ${r.id} → ${r.state}`);

/** An approval also says where the quorum stands when more than one approver is needed (ADR 0044). */
const showApproval = (format: 'table' | 'json' | 'yaml', r: ElevationRequest) =>
  emit(format, r, () =>
    r.approvals_required > 1
      ? `Request ${r.id} → ${r.state} (${quorumLine(r)})`
      : `Request ${r.id} → ${r.state}`,
  );

export const approveCommand = leaf({
  name: 'approve',
  description: 'Approve a pending request (never your own)',
  args: {
    id: { type: 'positional', description: 'request id', required: true },
    comment: { type: 'string', description: 'why you approve' },
    reason: { type: 'string', description: 'the same as --comment (deny takes either too)' },
  },
  schema: z
    .object({ id: Id, ...Because(false), ...globalFields })
    .strict()
    .refine((a) => !(a.comment && a.reason), {
      message: 'give --comment or --reason, not both',
      path: ['reason'],
    }),
  async run(a) {
    const comment = a.comment ?? a.reason;
    showApproval(a.output, await authedClient(a.server).approveRequest(a.id, { comment }));
  },
});

export const denyCommand = leaf({
  name: 'deny',
  description: 'Deny a pending request',
  args: {
    id: { type: 'positional', description: 'request id', required: true },
    reason: { type: 'string', description: 'why you deny (required: this or --comment)' },
    comment: { type: 'string', description: 'the same as --reason (as on approve)' },
  },
  schema: z
    .object({ id: Id, ...Because(true), ...globalFields })
    .strict()
    .refine((a) => !(a.comment && a.reason), {
      message: 'give --reason or --comment, not both',
      path: ['reason'],
    })
    .refine((a) => a.reason || a.comment, {
      message: 'a reason is required (--reason "…")',
      path: ['reason'],
    }),
  async run(a) {
    const reason = (a.reason ?? a.comment)!;
    show(a.output, await authedClient(a.server).denyRequest(a.id, { reason }));
  },
});

export const cancelCommand = leaf({
  name: 'cancel',
  description: 'Withdraw your own pending request',
  args: {
    id: { type: 'positional', description: 'request id', required: true },
    reason: { type: 'string', description: 'why' },
  },
  schema: z.object({ id: Id, reason: z.string().max(4096).optional(), ...globalFields }).strict(),
  async run(a) {
    show(a.output, await authedClient(a.server).cancelRequest(a.id, { reason: a.reason }));
  },
});

export const revokeCommand = leaf({
  name: 'revoke',
  description: 'End an active grant now (yours, or anyone’s for admins)',
  args: {
    id: { type: 'positional', description: 'request id', required: true },
    reason: { type: 'string', description: 'why' },
  },
  schema: z.object({ id: Id, reason: z.string().max(4096).optional(), ...globalFields }).strict(),
  async run(a) {
    show(a.output, await authedClient(a.server).revokeRequest(a.id, { reason: a.reason }));
  },
});
