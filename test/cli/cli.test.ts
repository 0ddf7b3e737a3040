/** The real `jitsudo` command as a child process against a real `jitsudod` process. */
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  type CliResult,
  jitsudo,
  type ServerProcess,
  startJitsudod,
  tempHome,
} from '../e2e/support/processes.js';
import { policyInput } from '../helpers/policy-input.js';
import { QUORUM_FROM_METADATA } from '../helpers/test-policies.js';

let server: ServerProcess;
const homes = {
  alice: tempHome('alice'),
  bob: tempHome('bob'),
  admin: tempHome('admin'),
  carol: tempHome('carol'),
  nobody: tempHome('nobody'),
};
type User = keyof typeof homes;
const as = (user: User, ...args: string[]) => jitsudo(args, { home: homes[user], server: server.url });

/** Exactly one `error: …` line on stderr. */
const oneErrorLine = (r: CliResult) => {
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
};

/** `request` on the mock provider, then any further flags. */
const requestArgs = (role: string, scope: string, reason: string, ...extra: string[]) => [
  'request',
  '--provider',
  'mock',
  '--role',
  role,
  '--scope',
  scope,
  '--reason',
  reason,
  ...extra,
];

/** Alice asks for the admin role (PENDING: it needs a human approver). */
const newRequest = async (extra: string[] = []) => {
  const r = await as('alice', ...requestArgs('admin', 'sandbox', 'cli test', '-o', 'json', ...extra));
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as { id: string; state: string };
};

/** Polls bob's pending list until the request with `reason` shows up (fails the test if it never does). */
const pendingWithReason = async (reason: string): Promise<{ id: string }> => {
  for (let i = 0; i < 100; i++) {
    const list = JSON.parse((await as('bob', 'status', '--pending', '-o', 'json')).stdout) as {
      requests: { id: string; reason: string }[];
    };
    const found = list.requests.find((r) => r.reason === reason);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no pending request with reason ${reason}`);
};

beforeAll(async () => {
  server = await startJitsudod({ fastDatabase: true });
  await Promise.all([
    as('alice', 'login', '--dev', '--user', 'alice@example.com', '--groups', 'sre'),
    as('bob', 'login', '--dev', '--user', 'bob@example.com', '--groups', 'sre-leads'),
    as('admin', 'login', '--dev', '--user', 'root@example.com', '--groups', 'jitsudo-admins,sre'),
    as('carol', 'login', '--dev', '--user', 'carol@example.com', '--groups', 'jitsudo-approvers'),
  ]);
});
afterAll(async () => {
  expect(await server?.stop()).toBe(0);
});

// The tests below use their own requests and homes, so they run side by side (each step is a process start).
describe.concurrent('jitsudo CLI', () => {
  it('login stores a 0600 credentials file in a 0700 JITSUDO_HOME; whoami reads it', async () => {
    const file = join(homes.alice, 'credentials');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(homes.alice).mode & 0o077).toBe(0);
    const creds = parseYaml(readFileSync(file, 'utf8'));
    expect(creds).toMatchObject({ server_url: server.url, email: 'alice@example.com' });
    const me = await as('alice', 'whoami', '-o', 'json');
    expect(JSON.parse(me.stdout)).toMatchObject({
      identity: 'alice@example.com',
      groups: ['sre'],
      is_admin: false,
    });
    const admin = await as('admin', 'whoami');
    expect(admin.stdout).toMatch(/Admin:\s+yes/);
  });

  it('request → approve by another → exec with credentials in the child only; exit codes propagate', {
    timeout: 120_000,
  }, async () => {
    const req = await newRequest([
      '--duration',
      '30m',
      '--metadata',
      'ticket=INC-7',
      '--metadata',
      'team=core',
    ]);
    expect(req).toMatchObject({
      state: 'PENDING',
      metadata: { ticket: 'INC-7', team: 'core' },
      duration_seconds: 1800,
    });
    const own = await as('alice', 'approve', req.id);
    expect(own.code).toBe(4);
    oneErrorLine(own);
    const ok = await as('bob', 'approve', req.id, '--comment', 'fine');
    expect(ok).toMatchObject({ code: 0, stdout: `Request ${req.id} → ACTIVE\n` });

    const run = await as(
      'alice',
      'exec',
      req.id,
      '--',
      process.execPath,
      '-e',
      'console.log(process.env.MOCK_ACCESS_KEY ? "has-key" : "no-key"); process.exit(7)',
    );
    expect(run.code).toBe(7);
    expect(run.stdout).toBe('has-key\n');
    expect(run.stderr).toBe('');
    // The secret never reaches jitsudo's own output, and the parent environment is untouched.
    const quiet = await as('alice', 'exec', req.id, '--', 'true');
    expect(quiet).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const sig = await as('alice', 'exec', req.id, '--', 'sh', '-c', 'kill -TERM $$');
    expect(sig.signal).toBe('SIGTERM');
    const missing = await as('alice', 'exec', req.id, '--', 'no-such-command-xyz');
    expect(missing.code).toBe(127);
    oneErrorLine(missing);
    const helpForChild = await as('alice', 'exec', req.id, '--', 'sh', '-c', 'echo "$0 $1"', 'x', '--help');
    expect(helpForChild.stdout).toBe('x --help\n');
    const notMine = await as('bob', 'exec', req.id, '--', 'true');
    expect(notMine.code).toBe(4);

    const rv = await as('alice', 'revoke', req.id, '--reason', 'done');
    expect(rv.stdout).toBe(`Request ${req.id} → REVOKED\n`);
    const gone = await as('alice', 'exec', req.id, '--', 'true');
    expect(gone.code).toBe(6);
  });

  it('request --wait returns once approved, exits 9 when denied and 10 on timeout', {
    timeout: 120_000,
  }, async () => {
    const waitFor = (reason: string, timeout: string) =>
      as('alice', ...requestArgs('admin', 's', reason, '--wait', '-o', 'json', '--timeout', timeout));
    const waiting = waitFor('wait', '60s');
    const pending = await pendingWithReason('wait');
    await as('bob', 'approve', pending.id);
    const done = await waiting;
    expect(done.code).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({ id: pending.id, state: 'ACTIVE' });

    const denied = waitFor('wait-deny', '60s');
    await as('bob', 'deny', (await pendingWithReason('wait-deny')).id, '--reason', 'no');
    const d = await denied;
    expect(d.code).toBe(9);
    oneErrorLine(d);

    const t = await waitFor('wait', '1s');
    expect(t.code).toBe(10);
    oneErrorLine(t);
  });

  it('status lists, filters and shows one request; cancel and deny work', async () => {
    const a = await newRequest();
    const b = await newRequest();
    const mine = await as('alice', 'status', '--mine');
    expect(mine.stdout.split('\n')[0]).toMatch(/^ID\s+STATE\s+REQUESTER/);
    expect(mine.stdout).toContain(a.id);
    const one = await as('alice', 'status', a.id);
    expect(one.stdout).toMatch(/^ID:\s+req_/);
    expect(one.stdout).toMatch(/State:\s+PENDING/);
    expect((await as('alice', 'cancel', a.id)).stdout).toBe(`Request ${a.id} → CANCELLED\n`);
    expect((await as('bob', 'deny', b.id, '--reason', 'nope')).stdout).toBe(`Request ${b.id} → REJECTED\n`);
    const cancelled = JSON.parse((await as('alice', 'status', '--state', 'cancelled', '-o', 'json')).stdout);
    expect(cancelled.requests.map((r: { id: string }) => r.id)).toContain(a.id);
    const yaml = parseYaml((await as('alice', 'status', b.id, '-o', 'yaml')).stdout);
    expect(yaml).toMatchObject({ id: b.id, state: 'REJECTED' });
  });

  // Independent of each other: run side by side (each is a process start).
  it.concurrent.each([
    ['unknown flag', ['status', '--bogus'], 2],
    ['unknown flag after valid ones', requestArgs('r', 's', 'x', '--frobnicate'), 2],
    ['missing required flag', ['request', '--provider', 'mock'], 2],
    ['surplus positional', ['approve', 'req_1', 'req_2'], 2],
    ['unknown command', ['frobnicate'], 2],
    ['bad output format', ['status', '-o', 'xml'], 2],
    ['flag without value', ['status', '--state'], 2],
    ['bad metadata', requestArgs('r', 's', 'x', '--metadata', 'novalue'), 2],
    ['negative duration (server rejects)', requestArgs('admin', 's', 'x', '--duration', '-5m'), 2],
    ['absurd duration (server rejects)', requestArgs('admin', 's', 'x', '--duration', '9999999d'), 2],
    [
      'unknown provider',
      ['request', '--provider', 'nope', '--role', 'admin', '--scope', 's', '--reason', 'x'],
      2,
    ],
    ['unknown id', ['status', 'req_01J9Z7X3R4T5V6W7X8Y9Z0ABCD'], 5],
    ['bad id', ['approve', 'not an id!'], 2],
    ['limit out of range', ['status', '--limit', '0'], 2],
    ['not eligible', requestArgs('admin', 's', 'x', '--server', 'SERVER_AS_BOB'), 4],
  ])('%s: %j → exit %i with one error line', async (_name, args, code) => {
    const user: User = args.includes('SERVER_AS_BOB') ? 'bob' : 'alice';
    const r = await as(user, ...args.map((a) => (a === 'SERVER_AS_BOB' ? server.url : a)));
    expect(r.code).toBe(code);
    oneErrorLine(r);
    expect(r.stdout).toBe('');
  });

  it.concurrent('a huge reason is refused cleanly', async () => {
    const r = await as('alice', ...requestArgs('admin', 's', 'x'.repeat(100_000)));
    expect(r.code).toBe(2);
    oneErrorLine(r);
  });

  it('not logged in → 3; server down → 7; world-readable credentials are refused', async () => {
    const r = await as('nobody', 'status');
    expect(r.code).toBe(3);
    oneErrorLine(r);
    const down = await jitsudo(['status'], { home: homes.alice, server: 'http://127.0.0.1:9' });
    expect(down.code).toBe(7);
    oneErrorLine(down);
    const home = tempHome('leaky');
    writeFileSync(join(home, 'credentials'), readFileSync(join(homes.alice, 'credentials')));
    chmodSync(join(home, 'credentials'), 0o644);
    const leaky = await jitsudo(['status'], { home, server: server.url });
    expect(leaky.code).toBe(3);
    expect(leaky.stderr).toMatch(/readable by other users/);
  });

  it('server status / version need no login; logout forgets the token', async () => {
    const st = await as('nobody', 'server', 'status');
    expect(st.code).toBe(0);
    expect(st.stdout).toMatch(/liveness\s+UP/);
    expect(st.stdout).toMatch(/readiness\s+UP/);
    const v = await as('nobody', 'server', 'version', '-o', 'json');
    expect(JSON.parse(v.stdout).api_versions).toEqual(['v1alpha1']);
    const home = tempHome('logout');
    await jitsudo(['login', '--dev', '--user', 'temp@example.com'], { home, server: server.url });
    expect((await jitsudo(['logout'], { home })).stdout).toMatch(/Logged out/);
    expect((await jitsudo(['whoami'], { home, server: server.url })).code).toBe(3);
  });
});

describe.concurrent('jitsudo policy, audit and server admin commands', () => {
  it('policy list / get / eval (live set and an unsaved file)', async () => {
    const list = await as('alice', 'policy', 'list');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^NAME\s+PACKAGE\s+ENABLED/);
    expect(list.stdout).toContain('eligibility.sre');
    const get = await as('alice', 'policy', 'get', 'eligibility.sre');
    expect(get.stdout).toMatch(/--- Rego ---\n[\s\S]*package jitsudo.eligibility/);
    const zed = { email: 'zed@example.com', groups: ['sre'] };
    const ev = await as('alice', 'policy', 'eval', '--input', JSON.stringify(policyInput(zed)));
    expect(ev.stdout).toMatch(/^allow:\s+true\nreason:\s+member of group sre/);
    const file = join(homes.alice, 'input.json');
    writeFileSync(file, JSON.stringify(policyInput(zed, { role: 'ReadOnlyAccess' }, 3)));
    const tier = await as('alice', 'policy', 'eval', '--type', 'approval', '--input', file);
    expect(tier.stdout).toMatch(/approver_tier:\s+auto/);
    const rego = join(homes.admin, 'strict.rego');
    writeFileSync(rego, 'package jitsudo.approval\n\ncap contains "human" if true\n');
    const unsaved = await as(
      'admin',
      'policy',
      'eval',
      '--type',
      'approval',
      '--input',
      file,
      '--file',
      rego,
      '-o',
      'json',
    );
    expect(JSON.parse(unsaved.stdout)).toMatchObject({ approver_tier: 'human' });
    const notJson = await as('alice', 'policy', 'eval', '--input', '{not json');
    expect(notJson.code).toBe(2);
    oneErrorLine(notJson);
  });

  it('policy apply / delete are for admins; reload-policies too', async () => {
    const rego = join(homes.admin, 'extra.rego');
    writeFileSync(
      rego,
      'package jitsudo.eligibility\n\ngrant contains "on-call rota" if "oncall" in input.user.groups\n',
    );
    const byAlice = await as('alice', 'policy', 'apply', '-f', rego);
    expect(byAlice.code).toBe(4);
    oneErrorLine(byAlice);
    const applied = await as('admin', 'policy', 'apply', '-f', rego, '--description', 'on-call');
    expect(applied.stdout).toMatch(/^Policy extra \(jitsudo\.eligibility\) applied — revision 1/);
    const reload = await as('admin', 'server', 'reload-policies');
    expect(reload.stdout).toMatch(/Active policies: \d+/);
    expect((await as('alice', 'server', 'reload-policies')).code).toBe(4);
    const del = await as('admin', 'policy', 'delete', 'extra');
    expect(del.stdout).toMatch(/^Policy extra deleted/);
    expect((await as('admin', 'policy', 'get', 'extra')).code).toBe(5);
  });

  it('2 of 2 approvals: approve says where the quorum stands, a second approval is refused, status shows who', async () => {
    const rego = join(homes.admin, 'quorum.rego');
    writeFileSync(rego, QUORUM_FROM_METADATA.rego);
    expect((await as('admin', 'policy', 'apply', '-f', rego, '--name', 'cli-quorum')).code).toBe(0);
    const req = await newRequest(['--metadata', 'approvals_required=2']);
    expect(req.state).toBe('PENDING');
    const one = await as('bob', 'approve', req.id);
    expect(one).toMatchObject({
      code: 0,
      stdout: `Request ${req.id} → PENDING (1 of 2 approvals: bob@example.com)\n`,
    });
    const again = await as('bob', 'approve', req.id);
    expect(again.code).not.toBe(0);
    oneErrorLine(again);
    expect(again.stderr).toMatch(/already approved/);
    expect((await as('alice', 'status', req.id)).stdout).toMatch(
      /Approvals:\s+1 of 2 approvals: bob@example\.com\n/,
    );
    const two = await as('carol', 'approve', req.id);
    expect(two.stdout).toBe(
      `Request ${req.id} → ACTIVE (2 of 2 approvals: bob@example.com, carol@example.com)\n`,
    );
    const status = await as('alice', 'status', req.id);
    expect(status.stdout).toMatch(/Approvals:\s+2 of 2 approvals: bob@example\.com, carol@example\.com\n/);
    const list = await as('alice', 'status', '--mine');
    expect(list.stdout.split('\n')[0]).toMatch(/\sAPPROVALS$/);
    expect(list.stdout.split('\n').find((l) => l.startsWith(req.id))).toMatch(/\s2\/2$/);
  });

  it('audit list, export, online and offline verify; a tampered export fails with exit 11', async () => {
    const req = await newRequest();
    const mine = await as('alice', 'audit', '--request', req.id);
    expect(mine.stdout).toMatch(/^TIMESTAMP\s+ACTOR\s+ACTION/);
    expect(mine.stdout).toContain('request.created');
    const since = await as(
      'alice',
      'audit',
      'list',
      '--since',
      '1h',
      '--action',
      'request.created',
      '-o',
      'json',
    );
    expect(
      JSON.parse(since.stdout).events.every((e: { action: string }) => e.action === 'request.created'),
    ).toBe(true);
    expect((await as('alice', 'audit', '--since', 'last tuesday')).code).toBe(2);

    expect((await as('alice', 'audit', 'verify')).code).toBe(4);
    const online = await as('admin', 'audit', 'verify');
    expect(online.code).toBe(0);
    expect(online.stdout).toMatch(/Result:\s+OK/);

    const file = join(homes.admin, 'audit.jsonl');
    const exp = await as('admin', 'audit', 'export', '--file', file);
    expect(exp.code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const offline = await jitsudo(['audit', 'verify', '--file', file], { home: homes.nobody });
    expect(offline.code).toBe(0);
    expect(offline.stdout).toMatch(/Result:\s+OK/);
    const tampered = join(homes.admin, 'tampered.jsonl');
    writeFileSync(tampered, readFileSync(file, 'utf8').replace('"cli test"', '"nothing to see"'));
    const bad = await jitsudo(['audit', 'verify', '--file', tampered], { home: homes.nobody });
    expect(bad.code).toBe(11);
    expect(bad.stdout).toMatch(/Result:\s+BROKEN/);
    expect(bad.stdout).toMatch(/First broken:\s+#\d+ modified/);
  });

  it('audit verify --anchor: a tail cut together with its checkpoints is caught only with the anchor', async () => {
    await newRequest();
    const file = join(homes.admin, 'anchored-export.jsonl');
    expect((await as('admin', 'audit', 'export', '--file', file)).code).toBe(0);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    // The checkpointer signs at start-up, over the rows the policy seed wrote: an anchor line is a
    // checkpoint line exactly as the export carries it.
    const checkpoint = lines.find((l) => JSON.parse(l).type === 'checkpoint');
    expect(checkpoint, 'the server signed a checkpoint at start-up').toBeDefined();
    const anchor = join(homes.admin, 'anchor.jsonl');
    writeFileSync(anchor, `${checkpoint}\n`);
    const online = await as('admin', 'audit', 'verify', '--anchor', anchor);
    expect(online.code).toBe(0);
    expect(online.stdout).toMatch(/Anchor:\s+checkpoint #1 \(row \d+\) matches/);
    // Cut the log below the anchored head and drop the checkpoints that would tell.
    const headId = JSON.parse(checkpoint!).head_id as number;
    const cut = lines.filter((l) => {
      const o = JSON.parse(l);
      return o.type === 'header' || (o.type === 'event' && o.id < headId);
    });
    const truncated = join(homes.admin, 'truncated.jsonl');
    writeFileSync(truncated, `${cut.join('\n')}\n`);
    expect((await jitsudo(['audit', 'verify', '--file', truncated], { home: homes.nobody })).code).toBe(0);
    const caught = await jitsudo(['audit', 'verify', '--file', truncated, '--anchor', anchor], {
      home: homes.nobody,
    });
    expect(caught.code).toBe(11);
    expect(caught.stdout).toMatch(/First broken:\s+#\d+ truncated/);
    const missing = await as('admin', 'audit', 'verify', '--anchor', join(homes.admin, 'no-such-anchor'));
    expect(missing.code).toBe(2);
  });
});
