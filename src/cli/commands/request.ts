import { z } from 'zod';
import type { Client } from '../../client/client.js';
import type { ElevationRequest } from '../../client/types.js';
import { globalFields, leaf } from '../args.js';
import { authedClient } from '../context.js';
import { CliError, usageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { emit, note, write } from '../output.js';
import { requestDetail } from '../render.js';

const WaitTimeout = z
  .string()
  .regex(/^\d+(s|m|h)?$/, 'use e.g. 90s, 10m, 1h')
  .transform((s) => {
    const n = Number.parseInt(s, 10);
    return (s.endsWith('h') ? n * 3600 : s.endsWith('m') ? n * 60 : n) * 1000;
  });

export const requestCommand = leaf({
  name: 'request',
  description: 'Ask for a role on a scope for a while (policy decides; --wait blocks until it is ACTIVE)',
  args: {
    provider: { type: 'string', description: 'provider name, e.g. mock, aws', required: true },
    role: { type: 'string', description: 'role to assume', required: true },
    scope: { type: 'string', description: 'resource scope (account, project, namespace…)', required: true },
    duration: { type: 'string', description: 'how long: 30m, 2h30m, 1d', default: '1h' },
    reason: { type: 'string', description: 'why you need it', required: true },
    'break-glass': {
      type: 'boolean',
      description: 'emergency: skip approval (still needs eligibility; loudly audited)',
    },
    metadata: {
      type: 'string',
      description: 'key=value, repeatable (e.g. --metadata ticket=INC-1)',
      multiple: true,
    },
    wait: { type: 'boolean', description: 'wait until the request is ACTIVE (or ends)' },
    timeout: { type: 'string', description: 'with --wait: give up after this long', default: '10m' },
    quiet: { type: 'boolean', alias: 'q', description: 'print only the request id (for scripts)' },
  },
  schema: z
    .object({
      provider: z.string().min(1).max(64),
      role: z.string().min(1).max(512),
      scope: z.string().max(1024),
      duration: z.string().min(1).max(64).default('1h'),
      reason: z.string().min(1, 'a reason is required').max(4096),
      breakGlass: z.boolean().default(false),
      metadata: z
        .array(z.string().regex(/^[^=]+=.*$/, 'use key=value'))
        .max(64)
        .default([]),
      wait: z.boolean().default(false),
      timeout: WaitTimeout.default(600_000),
      quiet: z.boolean().default(false),
      ...globalFields,
    })
    .strict(),
  async run(a) {
    const client = authedClient(a.server);
    const metadata = Object.fromEntries(
      a.metadata.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
    );
    if (Object.keys(metadata).length !== a.metadata.length)
      throw usageError('invalid --metadata: duplicate key');
    let r = await client.createRequest({
      provider: a.provider,
      role: a.role,
      resource_scope: a.scope,
      duration: a.duration,
      reason: a.reason,
      break_glass: a.breakGlass,
      metadata,
    });
    if (a.wait && r.state !== 'ACTIVE' && !TERMINAL.has(r.state)) {
      if (a.output === 'table')
        note(`Request ${r.id} is ${r.state}; waiting (up to ${Math.round(a.timeout / 1000)}s)…`);
      r = await waitForActive(client, r, a.timeout);
    }
    if (a.quiet) write(r.id);
    else emit(a.output, r, () => requestDetail(r));
    if (a.wait && r.state !== 'ACTIVE')
      throw new CliError(`request ${r.id} ended ${r.state}${r.error ? `: ${r.error}` : ''}`, EXIT.NOT_ACTIVE);
  },
});

const TERMINAL = new Set(['REJECTED', 'CANCELLED', 'EXPIRED', 'REVOKED', 'FAILED']);

/** Polls with backoff (0.5 s → 5 s) until ACTIVE or terminal; throws exit 10 on timeout. */
async function waitForActive(
  client: Client,
  r: ElevationRequest,
  timeoutMs: number,
): Promise<ElevationRequest> {
  const deadline = Date.now() + timeoutMs;
  let delay = 500;
  while (Date.now() < deadline) {
    await new Promise((res) => setTimeout(res, Math.min(delay, Math.max(0, deadline - Date.now()))));
    r = await client.getRequest(r.id);
    if (r.state === 'ACTIVE' || TERMINAL.has(r.state)) return r;
    delay = Math.min(delay * 2, 5000);
  }
  throw new CliError(`timed out waiting for request ${r.id} (still ${r.state})`, EXIT.TIMEOUT);
}
