/** `jitsudo agent create|list|revoke` as real child processes against a real jitsudod process. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jitsudo, type ServerProcess, startJitsudod, tempHome } from '../e2e/support/processes.js';

let server: ServerProcess;
const homes = { alice: tempHome('alice'), admin: tempHome('admin'), agent: tempHome('agent') };
const as = (user: keyof typeof homes, ...args: string[]) =>
  jitsudo(args, { home: homes[user], server: server.url });

beforeAll(async () => {
  server = await startJitsudod({ timeoutMs: 240_000 });
  await Promise.all([
    as('alice', 'login', '--dev', '--user', 'alice@example.com'),
    as('admin', 'login', '--dev', '--user', 'root@example.com', '--groups', 'jitsudo-admins'),
  ]);
});
afterAll(async () => {
  expect(await server?.stop()).toBe(0);
});

describe('jitsudo agent', () => {
  it('create prints the token once on stdout; the agent can use it; list shows it; revoke ends it', async () => {
    const created = await as('alice', 'agent', 'create', 'cli-bot');
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^jit_agt_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toMatch(
      /Agent cli-bot \(agt_\w+\) owned by alice@example.com, rights: requester created/,
    );
    expect(created.stderr).toMatch(/shown only this once/);

    const who = await jitsudo(['whoami', '-o', 'json'], {
      home: homes.agent,
      server: server.url,
      env: { JITSUDO_TOKEN: token },
    });
    expect(JSON.parse(who.stdout)).toMatchObject({ identity: 'agent:cli-bot', kind: 'agent' });

    const list = await as('alice', 'agent', 'list');
    expect(list.stdout).toMatch(/^NAME\s+ID\s+OWNER\s+RIGHTS/);
    expect(list.stdout).toMatch(/cli-bot\s+agt_\w+\s+alice@example.com\s+requester/);
    expect(list.stdout).not.toContain(token);

    const revoked = await as('alice', 'agent', 'revoke', 'cli-bot', '--reason', 'done');
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(/revoked/);
    const after = await jitsudo(['whoami'], {
      home: homes.agent,
      server: server.url,
      env: { JITSUDO_TOKEN: token },
    });
    expect(after.code).not.toBe(0);
    expect(after.stderr).toMatch(/revoked/);
    expect((await as('alice', 'agent', 'list', '-o', 'json')).stdout).toMatch(/"agents": \[\]/);
  });

  it('admins give the ai-reviewer right and any owner; others get one clear error line', async () => {
    const ok = await as(
      'admin',
      'agent',
      'create',
      'rev-bot',
      '--owner',
      'rita@example.com',
      '--scopes',
      'ai-reviewer,requester',
      '-o',
      'json',
    );
    expect(JSON.parse(ok.stdout)).toMatchObject({
      agent: { owner: 'rita@example.com', scopes: ['ai-reviewer', 'requester'] },
    });
    const denied = await as('alice', 'agent', 'create', 'rev2', '--scopes', 'ai-reviewer');
    expect(denied.code).not.toBe(0);
    expect(denied.stderr.trim().split('\n')).toHaveLength(1);
    expect(denied.stderr).toMatch(/^error: .*only admins can create agents with the ai-reviewer right/);
    const bad = await as('alice', 'agent', 'create', 'x', '--scopes', 'root');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/invalid --scopes: "root"/);
  });

  it('revoke cancels the agent’s pending requests; --keep-grants is for admins only', async () => {
    const rego = join(homes.admin, 'agents-of-alice.rego');
    writeFileSync(
      rego,
      'package jitsudo.eligibility\ngrant contains "agent of alice" if input.user.agent.owner == "alice@example.com"\n',
    );
    expect((await as('admin', 'policy', 'apply', '-f', rego, '--name', 'cli-agents-of-alice')).code).toBe(0);
    const token = (await as('alice', 'agent', 'create', 'cli-bot3')).stdout.trim();
    const asked = await jitsudo(
      ['request', '--provider', 'mock', '--role', 'deployer', '--scope', 'dev', '--reason', 'deploy', '-q'],
      { home: homes.agent, server: server.url, env: { JITSUDO_TOKEN: token } },
    );
    expect(asked.code).toBe(0);
    const id = asked.stdout.trim();
    expect(id).toMatch(/^req_/);

    const refused = await as('alice', 'agent', 'revoke', 'cli-bot3', '--keep-grants');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/^error: .*only admins can keep/);

    const revoked = await as('alice', 'agent', 'revoke', 'cli-bot3');
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`${id}: pending request cancelled`);
    const shown = await as('alice', 'status', id, '-o', 'json');
    expect(shown.stdout).toMatch(/"state": "CANCELLED"/);

    const kept = await as('admin', 'agent', 'revoke', 'cli-bot3', '--keep-grants', '-o', 'json');
    expect(kept.code).toBe(0);
    expect(JSON.parse(kept.stdout)).toMatchObject({ agent: { name: 'cli-bot3' }, requests: [] });
  });
});
