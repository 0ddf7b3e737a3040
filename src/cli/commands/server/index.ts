import { defineCommand } from 'citty';
import { z } from 'zod';
import { ApiError } from '../../../client/errors.js';
import { globalFields, leaf } from '../../args.js';
import { anonymousClient, authedClient } from '../../context.js';
import { CliError } from '../../errors.js';
import { EXIT } from '../../exit-codes.js';
import { columns, emit } from '../../output.js';
import { outboxCommand } from './outbox.js';

const statusCommand = leaf({
  name: 'status',
  description: 'Liveness, readiness (database) and version of jitsudod',
  args: {},
  schema: z.object({ ...globalFields }).strict(),
  async run(a) {
    const client = anonymousClient(a.server);
    const rows: { component: string; status: 'UP' | 'DEGRADED' | 'DOWN'; detail: string }[] = [];
    const check = async (component: string, f: () => Promise<string>) => {
      try {
        rows.push({ component, status: 'UP', detail: await f() });
      } catch (e) {
        const down = !(e instanceof ApiError) || e.status === 0;
        rows.push({ component, status: down ? 'DOWN' : 'DEGRADED', detail: (e as Error).message });
      }
    };
    const probe = (p: Promise<{ ok: boolean; status: number; body: string }>, okText: string) =>
      p.then((r) => {
        if (!r.ok) throw new ApiError('INTERNAL', `HTTP ${r.status}: ${r.body}`, r.status);
        return okText;
      });
    await check('liveness', () => probe(client.healthz(), 'jitsudod is running'));
    await check('readiness', () => probe(client.readyz(), 'database connection ok'));
    await check('version', async () => {
      const v = await client.version();
      return `${v.version} (API: ${v.api_versions.join(', ')})`;
    });
    await notificationRows(client.server, rows);
    emit(a.output, { server: client.server, components: rows }, () =>
      columns(
        ['COMPONENT', 'STATUS', 'DETAIL'],
        rows.map((r) => [r.component, r.status, r.detail]),
        '',
      ),
    );
    if (rows.some((r) => r.status !== 'UP'))
      throw new CliError(
        `${client.server} is not healthy`,
        rows.every((r) => r.status === 'DOWN') ? EXIT.UNAVAILABLE : EXIT.ERROR,
      );
  },
});

const versionCommand = leaf({
  name: 'version',
  description: 'Server and API versions',
  args: {},
  schema: z.object({ ...globalFields }).strict(),
  async run(a) {
    const v = await anonymousClient(a.server).version();
    emit(a.output, v, () => `Server version: ${v.version}\nAPI versions:   ${v.api_versions.join(', ')}`);
  },
});

const reloadCommand = leaf({
  name: 'reload-policies',
  description: 'Re-read the policy store now (admin)',
  args: {},
  schema: z.object({ ...globalFields }).strict(),
  async run(a) {
    const r = await authedClient(a.server).reloadPolicies();
    emit(a.output, r, () => `Policy engine reloaded. Active policies: ${r.policies_loaded}`);
  },
});

export const serverCommand = defineCommand({
  meta: { name: 'server', description: 'Talk to jitsudod itself: status, version, reload-policies, outbox' },
  subCommands: {
    status: statusCommand,
    version: versionCommand,
    'reload-policies': reloadCommand,
    outbox: outboxCommand,
  },
});

/**
 * One row per notification sink (ADR 0046) when the caller may read them (an admin signed in to
 * this very server); otherwise none: the outbox status is not public. The stored token goes only
 * to the server it belongs to — status is often pointed at other servers.
 */
async function notificationRows(
  server: string,
  rows: { component: string; status: 'UP' | 'DEGRADED' | 'DOWN'; detail: string }[],
): Promise<void> {
  let st: Awaited<ReturnType<ReturnType<typeof authedClient>['outboxStatus']>>;
  try {
    const authed = authedClient(undefined);
    if (authed.server !== server) return;
    st = await authed.outboxStatus();
  } catch {
    return; // not signed in, not an admin, or an older server
  }
  for (const s of st.sinks) {
    const age =
      s.oldest_pending_age_seconds === null ? '' : `, oldest pending ${s.oldest_pending_age_seconds}s`;
    const err = s.last_error ? `, last error: ${s.last_error}` : '';
    const note = s.last_note ? `, note: ${s.last_note}` : '';
    rows.push({
      component: `notify:${s.sink}`,
      status: s.dead > 0 || (s.pending > 0 && s.last_error) ? 'DEGRADED' : 'UP',
      detail: `${s.pending} pending, ${s.delivered} delivered, ${s.dead} failed${age}${err}${note}`,
    });
  }
  for (const s of st.siem ?? []) {
    const err = s.last_error ? `, last error: ${s.last_error}` : '';
    rows.push({
      component: `siem:${s.sink}`,
      status: s.failures > 0 ? 'DEGRADED' : 'UP',
      detail: `delivered through audit row ${s.last_id}, ${s.behind} behind${err}`,
    });
  }
}
