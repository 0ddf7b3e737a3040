/**
 * `jitsudo review` (ADR 0050) as a child process against a real `jitsudod --dev`: an admin reviews a
 * colleague's break-glass grant as unjustified and it is revoked; the requester may not review
 * their own; a bad outcome is a usage error naming the flag. Dev tokens count as a fresh sign-in
 * from `jitsudo login --dev` (their iat), so the admin's fresh login passes the step-up rule.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jitsudo, type ServerProcess, startJitsudod, tempHome } from '../e2e/support/processes.js';

let server: ServerProcess;
const homes = { oncall: tempHome('oncall'), admin: tempHome('admin') };
const as = (user: keyof typeof homes, ...args: string[]) =>
  jitsudo(args, { home: homes[user], server: server.url });

beforeAll(async () => {
  server = await startJitsudod({ fastDatabase: true });
  await as('admin', 'login', '--dev', '--user', 'root@example.com', '--groups', 'jitsudo-admins');
  await as('oncall', 'login', '--dev', '--user', 'oncall@example.com', '--groups', 'sre,jitsudo-admins');
  await as('oncall', 'whoami');
  const tier = await as('admin', 'principal', 'set-tier', 'oncall@example.com', '4');
  expect(tier.stderr).toBe('');
}, 120_000);
afterAll(async () => {
  expect(await server?.stop()).toBe(0);
});

describe('jitsudo review', () => {
  it('an admin marks break-glass unjustified: the grant is revoked; the requester cannot review their own', {
    timeout: 120_000,
  }, async () => {
    const made = await as(
      'oncall',
      'request',
      '--provider',
      'mock',
      '--role',
      'admin',
      '--scope',
      'prod',
      '--reason',
      'INC-9 outage',
      '--break-glass',
      '-o',
      'json',
    );
    expect(made.stderr).toBe('');
    const req = JSON.parse(made.stdout) as { id: string; state: string; break_glass: boolean };
    expect(req).toMatchObject({ state: 'ACTIVE', break_glass: true });

    const own = await as('oncall', 'review', req.id, '--outcome', 'unjustified', '--comment', 'me');
    expect(own.code).not.toBe(0);
    expect(own.stderr).toMatch(/own party/);

    const bad = await as('admin', 'review', req.id, '--outcome', 'maybe', '--comment', 'x');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/outcome/);

    const r = await as('admin', 'review', req.id, '--outcome', 'unjustified', '--comment', 'no incident');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Request ${req.id} reviewed: unjustified — its grant is being revoked`);
    const after = JSON.parse((await as('oncall', 'status', req.id, '-o', 'json')).stdout) as {
      state: string;
    };
    expect(after.state).toBe('REVOKED');
  });
});
