/**
 * `jitsudo agent create|list|revoke`: register AI agents that act for a person. The token is printed
 * once (stdout, alone on its line, so `jitsudo agent create x > token` works); only its hash is kept.
 */
import { defineCommand } from 'citty';
import { z } from 'zod';
import type { Agent, RevokedAgent } from '../../client/types.js';
import { globalFields, leaf } from '../args.js';
import { authedClient } from '../context.js';
import { usageError } from '../errors.js';
import { columns, emit, note, write } from '../output.js';

const SCOPES = ['requester', 'ai-reviewer'] as const;

const agentLine = (a: Agent) =>
  `Agent ${a.name} (${a.id}) owned by ${a.owner}${a.created_by !== a.owner ? ` (created by ${a.created_by})` : ''}, rights: ${a.scopes.join(', ')}${a.revoked_at ? `, revoked ${a.revoked_at}` : ''}`;

export const agentCreateCommand = leaf({
  name: 'create',
  description: 'Register an agent and print its token once (admins: any --owner and the ai-reviewer right)',
  args: {
    name: { type: 'positional', description: 'agent name: lowercase letters, digits, . _ -', required: true },
    owner: { type: 'string', description: 'the person it acts for (default: you)' },
    scopes: {
      type: 'string',
      description: 'rights: requester (default), ai-reviewer, or both (comma-separated or repeated)',
      multiple: true,
    },
  },
  schema: z
    .object({
      name: z.string().min(1).max(64),
      owner: z.string().min(3).max(254).optional(),
      scopes: z.array(z.string().max(64)).max(8).default([]),
      ...globalFields,
    })
    .strict(),
  async run(a) {
    const scopes = a.scopes
      .flatMap((s) => s.split(','))
      .map((s) => s.trim())
      .filter(Boolean);
    for (const s of scopes)
      if (!(SCOPES as readonly string[]).includes(s))
        throw usageError(`invalid --scopes: "${s}" (use ${SCOPES.join(' or ')})`);
    const created = await authedClient(a.server).createAgent({
      name: a.name,
      ...(a.owner ? { owner: a.owner } : {}),
      ...(scopes.length ? { scopes: [...new Set(scopes)] as (typeof SCOPES)[number][] } : {}),
    });
    if (a.output !== 'table') return emit(a.output, created, () => '');
    note(`${agentLine(created.agent)} created.`);
    note('Its token follows; it is shown only this once. Give it to the agent as JITSUDO_TOKEN.');
    write(created.token);
  },
});

export const agentListCommand = leaf({
  name: 'list',
  description: 'List your agents (every agent for admins)',
  args: {
    owner: { type: 'string', description: 'only agents of this person (admins)' },
    all: { type: 'boolean', description: 'include revoked agents' },
  },
  schema: z
    .object({
      owner: z.string().min(3).max(254).optional(),
      all: z.boolean().default(false),
      ...globalFields,
    })
    .strict(),
  async run(a) {
    const client = authedClient(a.server);
    const agents: Agent[] = [];
    let page_token: string | undefined;
    do {
      const page = await client.listAgents({
        ...(a.owner ? { owner: a.owner } : {}),
        include_revoked: a.all,
        page_size: 500,
        ...(page_token ? { page_token } : {}),
      });
      agents.push(...page.agents);
      page_token = page.next_page_token ?? undefined;
    } while (page_token);
    emit(a.output, { agents }, () =>
      columns(
        ['NAME', 'ID', 'OWNER', 'RIGHTS', 'CREATED', 'LAST USED', 'REVOKED'],
        agents.map((x) => [
          x.name,
          x.id,
          x.owner,
          x.scopes.join(','),
          x.created_at,
          x.last_used_at ?? '-',
          x.revoked_at ?? '',
        ]),
        'No agents.',
      ),
    );
  },
});

export const agentRevokeCommand = leaf({
  name: 'revoke',
  description:
    'Revoke an agent by name or id: its token stops working at once, its pending requests are cancelled and its grants revoked',
  args: {
    agent: { type: 'positional', description: 'agent name or id (agt_…)', required: true },
    reason: { type: 'string', description: 'why' },
    'keep-grants': {
      type: 'boolean',
      description:
        'admins: leave its grants running until they expire (pending requests are cancelled anyway)',
    },
  },
  schema: z
    .object({
      agent: z.string().min(1).max(64),
      reason: z.string().max(4096).optional(),
      keepGrants: z.boolean().default(false),
      ...globalFields,
    })
    .strict(),
  async run(a) {
    const revoked = await authedClient(a.server).revokeAgent(a.agent, {
      ...(a.reason ? { reason: a.reason } : {}),
      ...(a.keepGrants ? { keep_grants: true } : {}),
    });
    emit(a.output, revoked, () =>
      [
        `${agentLine(revoked.agent)}.`,
        ...revoked.requests.map((r) => `  ${r.id}: ${OUTCOME[r.outcome]}`),
      ].join('\n'),
    );
  },
});

const OUTCOME: Readonly<Record<RevokedAgent['requests'][number]['outcome'], string>> = {
  cancelled: 'pending request cancelled',
  revoked: 'grant revoked',
  revoking: 'grant being revoked (retried until the provider confirms)',
  stopped: 'grant that was being issued stopped',
  kept: 'grant kept (runs until it expires)',
};

export const agentCommand = defineCommand({
  meta: { name: 'agent', description: 'Manage AI agent identities: create, list, revoke' },
  subCommands: {
    create: agentCreateCommand,
    list: agentListCommand,
    revoke: agentRevokeCommand,
  },
});
