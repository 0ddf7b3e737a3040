/**
 * Text from another person reaches an approver's terminal only visibly: the real `jitsudo` against
 * a real `jitsudod`. A requester's reason and metadata carry terminal escapes (ESC, CSI, OSC), C1,
 * DEL and bidirectional controls (Trojan-Source style reordering); every human-readable output
 * shows them as escapes, and `-o json` / `-o yaml` carry them as escapes that parse back to the
 * very same text. Identities and groups holding such characters are refused at login.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { jitsudo, type ServerProcess, startJitsudod, tempHome } from '../e2e/support/processes.js';

const RAW =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: what must never reach a terminal raw
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff]/u;

const REASON =
  'routine \u202eevil\u202c \u2066isolated\u2069 \u200f \u061c\u001b[2K\r\u001b[32mApproved\u001b[0m \u009b31m \u007f end';
const TICKET = 'INC-\u202e1';

let server: ServerProcess;
const homes = {
  alice: tempHome('alice'),
  bob: tempHome('bob'),
  admin: tempHome('admin'),
  eve: tempHome('eve'),
};
const as = (user: keyof typeof homes, ...args: string[]) =>
  jitsudo(args, { home: homes[user], server: server.url });
let id: string;

beforeAll(async () => {
  server = await startJitsudod({ fastDatabase: true });
  await Promise.all([
    as('alice', 'login', '--dev', '--user', 'alice@example.com', '--groups', 'sre'),
    as('bob', 'login', '--dev', '--user', 'bob@example.com', '--groups', 'sre-leads'),
    as('admin', 'login', '--dev', '--user', 'root@example.com', '--groups', 'jitsudo-admins'),
  ]);
  const r = await as(
    'alice',
    'request',
    '--provider',
    'mock',
    '--role',
    'admin',
    '--scope',
    'sandbox',
    '--reason',
    REASON,
    '--metadata',
    `ticket=${TICKET}`,
    '-o',
    'json',
  );
  expect(r.code, r.stderr).toBe(0);
  id = JSON.parse(r.stdout).id;
}, 180_000);
afterAll(async () => {
  expect(await server?.stop()).toBe(0);
});

// Each step is a process start (seconds each on a loaded 2-core machine): one after another, so
// the server is never starved by a burst of them.
describe('other people’s text on the terminal', { timeout: 300_000 }, () => {
  it('status <id> and status --pending (tables): every control and bidi character shown as an escape', async () => {
    // bob decides; the admin's plain `status` lists everyone's requests.
    for (const [user, ...args] of [
      ['bob', 'status', id],
      ['bob', 'status', '--pending'],
      ['admin', 'status'],
    ]) {
      const out = await as(user as 'bob' | 'admin', ...args);
      expect(out.code, out.stderr).toBe(0);
      expect(out.stdout).toContain('routine');
      expect(out.stdout).toMatch(/\\u202eevil\\u202c/);
      expect(out.stdout, args.join(' ')).not.toMatch(RAW);
      if (args[1] === id) {
        expect(out.stdout).toContain('\\x1b[32mApproved');
        expect(out.stdout).toContain('\\u009b31m');
      }
    }
  });

  it('-o yaml and -o json: escaped on the terminal, and parsed back they are the very same text', async () => {
    for (const args of [
      ['status', id],
      ['status', '--pending'],
    ]) {
      const yaml = await as('bob', ...args, '-o', 'yaml');
      expect(yaml.code, yaml.stderr).toBe(0);
      expect(yaml.stdout, `${args.join(' ')} -o yaml`).not.toMatch(RAW);
      const json = await as('bob', ...args, '-o', 'json');
      expect(json.stdout, `${args.join(' ')} -o json`).not.toMatch(RAW);
      const fromYaml = parseYaml(yaml.stdout);
      const fromJson = JSON.parse(json.stdout);
      const req = (doc: any) => (doc.requests ? doc.requests.find((r: any) => r.id === id) : doc);
      expect(req(fromYaml)).toMatchObject({ reason: REASON, metadata: { ticket: TICKET } });
      expect(req(fromJson)).toMatchObject({ reason: REASON, metadata: { ticket: TICKET } });
    }
  });

  it('audit list (table and -o yaml) shows the request’s audit details only as escapes', async () => {
    for (const args of [
      ['audit', '--request', id],
      ['audit', '--request', id, '-o', 'yaml'],
    ]) {
      const out = await as('admin', ...args);
      expect(out.code, out.stderr).toBe(0);
      expect(out.stdout).toContain('request.created');
      expect(out.stdout, args.join(' ')).not.toMatch(RAW);
    }
  });

  it('a policy description with bidi controls and ESC: policy get (table, yaml) and list show it visibly', async () => {
    const rego = join(homes.admin, 'visible.rego');
    writeFileSync(
      rego,
      'package jitsudo.eligibility\n\ngrant contains "x" if "no-such-group-x" in input.user.groups\n',
    );
    const description = 'rota \u202eetov\u202c \u001b]8;;https://evil.example/\u0007link';
    const applied = await as('admin', 'policy', 'apply', '-f', rego, '--description', description);
    expect(applied.code, applied.stderr).toBe(0);
    const table = await as('admin', 'policy', 'get', 'visible');
    expect(table.stdout).toContain('\\u202eetov');
    const yaml = await as('admin', 'policy', 'get', 'visible', '-o', 'yaml');
    expect(parseYaml(yaml.stdout)).toMatchObject({ description });
    for (const out of [table, yaml, await as('admin', 'policy', 'list', '-o', 'yaml')])
      expect(out.stdout).not.toMatch(RAW);
    expect((await as('admin', 'policy', 'delete', 'visible')).code).toBe(0);
  });

  it('an identity or group with ESC, bidi or C1 is refused at login with one error line naming the code point', async () => {
    const cases = [
      ['--user', 'eve\u202e@example.com'],
      ['--user', 'eve@exa\u001bmple.com'],
      ['--groups', 'jitsudo-admins\u2066'],
      ['--groups', 'sre\u009b'],
    ] as const;
    const results = await Promise.all(
      cases.map(([flag, value]) =>
        flag === '--user'
          ? as('eve', 'login', '--dev', '--user', value)
          : as('eve', 'login', '--dev', '--user', 'eve@example.com', '--groups', value),
      ),
    );
    results.forEach((r, i) => {
      expect(r.code, JSON.stringify(cases[i])).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^error: .*(control|bidirectional|invisible)/);
      expect(r.stderr).not.toMatch(RAW);
    });
  });
});
