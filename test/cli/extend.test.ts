/** `jitsudo extend` as child processes against a real `jitsudod` (ADR 0045). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import {
  type CliResult,
  jitsudo,
  type ServerProcess,
  startJitsudod,
  tempHome,
} from '../e2e/support/processes.js';

let server: ServerProcess;
const homes = { alice: tempHome('alice'), bob: tempHome('bob'), admin: tempHome('admin') };
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
    as('bob', 'login', '--dev', '--user', 'bob@example.com', '--groups', 'sre-leads'),
    as('admin', 'login', '--dev', '--user', 'root@example.com', '--groups', 'jitsudo-admins'),
  ]);
});
afterAll(async () => {
  expect(await server?.stop()).toBe(0);
});

describe('jitsudo extend', () => {
  it('asks for more time; once approved the grant ends later; refusals are one line and an exit code', async () => {
    const made = await as(
      'alice',
      ...['request', '--provider', 'mock', '--role', 'admin', '--scope', 'sandbox', '--duration', '30m'],
      ...['--reason', 'INC-5', '-o', 'json'],
    );
    const id = JSON.parse(made.stdout).id as string;
    const active = JSON.parse((await as('bob', 'approve', id, '-o', 'json')).stdout);
    expect(active.state).toBe('ACTIVE');

    const ext = await as('alice', 'extend', id, '--duration', '1h', '--reason', 'INC-5 still open');
    expect(ext.code).toBe(0);
    const m = /^Extension (req_\w+) → PENDING \(human approval\); request (req_\w+) keeps its end/.exec(
      ext.stdout,
    );
    expect(m?.[2]).toBe(id);
    const applied = await as('bob', 'approve', m![1]!);
    expect(applied.stdout).toContain('→ APPLIED');
    const after = JSON.parse((await as('alice', 'status', id, '-o', 'json')).stdout);
    expect(Date.parse(after.expires_at) - Date.parse(active.expires_at)).toBe(3_600_000);

    refused(await as('alice', 'extend', id, '--reason', 'x'), EXIT.USAGE);
    refused(await as('alice', 'extend', id, '--duration', 'forever', '--reason', 'x'), EXIT.USAGE);
    refused(await as('admin', 'extend', id, '--duration', '5m', '--reason', 'x'), EXIT.FORBIDDEN);
    const pendingSecond = await as('alice', 'extend', id, '--duration', '300', '--reason', 'x', '-o', 'json');
    expect(JSON.parse(pendingSecond.stdout)).toMatchObject({ state: 'PENDING', duration_seconds: 300 });
    refused(await as('alice', 'extend', id, '--duration', '5m', '--reason', 'x'), EXIT.CONFLICT);
  });
});
