/** approve / deny / cancel / revoke: one call each, printing `Request <id> → <STATE>`. */
import { z } from 'zod';
import type { ElevationRequest } from '../../client/types.js';
import { globalFields, leaf } from '../args.js';
import { authedClient } from '../context.js';
import { emit } from '../output.js';
import { quorumLine } from '../render.js';

const Id = z.string().min(1).max(64);
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
  },
  schema: z.object({ id: Id, comment: z.string().max(4096).optional(), ...globalFields }).strict(),
  async run(a) {
    showApproval(a.output, await authedClient(a.server).approveRequest(a.id, { comment: a.comment }));
  },
});

export const denyCommand = leaf({
  name: 'deny',
  description: 'Deny a pending request',
  args: {
    id: { type: 'positional', description: 'request id', required: true },
    reason: { type: 'string', description: 'why (required)', required: true },
  },
  schema: z
    .object({ id: Id, reason: z.string().min(1, 'a reason is required').max(4096), ...globalFields })
    .strict(),
  async run(a) {
    show(a.output, await authedClient(a.server).denyRequest(a.id, { reason: a.reason }));
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
