/** `jitsudo principal get|list|set-tier` as child processes against a real `jitsudod`. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CliResult,
  jitsudo,
  type ServerProcess,
  startJitsudod,
  tempHome,
} from '../e2e/support/processes.js';

let server: ServerProcess;
const homes = { alice: tempHome('alice'), admin: tempHome('admin') };
const as = (user: keyof typeof homes, ...args: string[]) =>
  jitsudo(args, { home: homes[user], server: server.url });

const refused = (r: CliResult, code: number) => {
  expect(r.code).toBe(code);
  expect(r.stdout).toBe('');
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
};

beforeAll(async () => {
  server = await startJitsudod({ fastDatabase: true });
  await Promise.all([
    as('alice', 'login', '--dev', '--user', 'alice@example.com', '--groups', 'sre'),
    as('admin', 'login', '--dev', '--user', 'root@example.com', '--groups', 'jitsudo-admins'),
  ]);
});
afterAll(async () => {
  expect(await server?.stop()).toBe(0);
});

// Each test uses its own identities, so they run side by side (each CLI call is a process start).
describe.concurrent('jitsudo principal', () => {
  it('set-tier stores the notes and audits old → new; get and list show it (table and JSON)', async () => {
    const set = await as('admin', 'principal', 'set-tier', 'carol@example.com', '2', '--notes', 'on call');
    expect(set).toMatchObject({ code: 0, stdout: 'Principal carol@example.com is now at trust tier 2.\n' });
    const again = await as('admin', 'principal', 'set-tier', 'carol@example.com', '3', '-o', 'json');
    expect(JSON.parse(again.stdout)).toMatchObject({ trust_tier: 3, notes: 'on call' });

    const audit = await as('admin', 'audit', '--action', 'principal.trust_tier_set', '-o', 'json');
    const details = JSON.parse(audit.stdout).events.map((e: { details: unknown }) => e.details);
    expect(details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          identity: 'carol@example.com',
          old_tier: null,
          new_tier: 2,
          notes: 'on call',
        }),
        expect.objectContaining({ identity: 'carol@example.com', old_tier: 2, new_tier: 3 }),
      ]),
    );

    const get = await as('admin', 'principal', 'get', 'carol@example.com');
    expect(get.stdout).toMatch(/Trust tier:\s+3/);
    expect(get.stdout).toMatch(/Notes:\s+on call/);
    const list = await as('admin', 'principal', 'list', '--kind', 'human', '--limit', '50');
    expect(list.stdout.split('\n')[0]).toMatch(/^IDENTITY\s+KIND\s+TIER\s+LAST SEEN\s+NOTES$/);
    expect(list.stdout).toMatch(/carol@example\.com\s+human\s+3\s+\S+\s+on call/);
    const json = JSON.parse((await as('admin', 'principal', 'list', '-o', 'json')).stdout);
    expect(json.principals.map((p: { identity: string }) => p.identity)).toContain('carol@example.com');
  });

  it('pages with --limit and --page-token', async () => {
    await as('admin', 'principal', 'set-tier', 'erin@example.com', '1');
    const first = JSON.parse((await as('admin', 'principal', 'list', '--limit', '1', '-o', 'json')).stdout);
    expect(first.principals).toHaveLength(1);
    const table = await as('admin', 'principal', 'list', '--limit', '1');
    expect(table.stderr).toContain(`--page-token ${first.next_page_token}`);
    const next = await as(
      'admin',
      'principal',
      'list',
      '--limit',
      '1',
      '--page-token',
      first.next_page_token,
      '-o',
      'json',
    );
    expect(JSON.parse(next.stdout).principals[0].identity).not.toBe(first.principals[0].identity);
  });

  it('refuses non-admins (exit 4) but lets anyone read themselves', async () => {
    await as('admin', 'principal', 'set-tier', 'alice@example.com', '1');
    const [list, setSelf, getOther, getSelf] = await Promise.all([
      as('alice', 'principal', 'list'),
      as('alice', 'principal', 'set-tier', 'alice@example.com', '4'),
      as('alice', 'principal', 'get', 'root@example.com'),
      as('alice', 'principal', 'get', 'alice@example.com'),
    ]);
    for (const r of [list, setSelf, getOther]) refused(r, 4);
    expect(getSelf.stdout).toMatch(/Trust tier:\s+1/);
  });

  it('refuses bad input with a usage error (exit 2) and changes nothing', async () => {
    const results = await Promise.all(
      [
        ['set-tier', 'frank@example.com', '5'],
        ['set-tier', 'frank@example.com', '-1'],
        ['set-tier', 'frank@example.com'],
        ['set-tier', 'frank @example.com', '1'],
        ['list', '--kind', 'robot'],
        ['list', '--page-token', 'bm90LW91cnM'],
      ].map((args) => as('admin', 'principal', ...args)),
    );
    for (const r of results) refused(r, 2);
    refused(await as('admin', 'principal', 'get', 'frank@example.com'), 5);
  });
});
