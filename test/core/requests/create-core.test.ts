import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/core/config.js';
import { type Core, createCore } from '../../../src/core/create-core.js';
import { MockProvider } from '../../../src/providers/mock/index.js';
import { appError, human, uniq } from './fixtures.js';

// The whole composition with the real pieces: the database policy store seeded from the shipped
// policies/ (our Rego interpreter), the key file, migrations, group commit, H5's verbs bound.
describe('createCore with the shipped Rego policies (in-memory PGlite)', () => {
  let core: Core;
  beforeAll(async () => {
    const config = parseConfig({
      home: mkdtempSync(join(tmpdir(), 'jitsudo-core-')),
      database: { url: 'memory://' },
      providers: { mock: {} },
      log: { level: 'silent' },
    });
    core = await createCore({ config, providers: [new MockProvider()], log: pino({ level: 'silent' }) });
  });
  afterAll(async () => {
    await core.close();
  });

  it('routes, approves and denies by the default policy, with every decision audited', async () => {
    const admin = human(uniq('admin'), ['jitsudo-admins'], true);
    const carol = human(uniq('carol'));
    await core.setTrustTier(admin, { identity: carol.identity, trust_tier: 3 });
    const auto = await core.createRequest(carol, {
      provider: 'mock',
      role: 'ReadOnlyAccess',
      resource_scope: 'dev',
      duration: '1h',
      reason: 'look at logs',
    });
    expect(auto).toMatchObject({ state: 'ACTIVE', approver_tier: 'auto' });

    const alice = human(uniq('alice'), ['sre']);
    const pending = await core.createRequest(alice, {
      provider: 'mock',
      role: 'admin',
      resource_scope: 'prod',
      duration: '2h',
      reason: 'INC-7',
    });
    expect(pending).toMatchObject({ state: 'PENDING', approver_tier: 'human' });
    const stranger = human(uniq('dan'));
    expect((await appError(core.getRequest(stranger, { id: pending.id }))).code).toBe('NOT_FOUND');
    const lead = human(uniq('bob'), ['sre-leads']);
    expect((await core.getRequest(lead, { id: pending.id })).id).toBe(pending.id);
    expect((await core.approveRequest(lead, { id: pending.id })).state).toBe('ACTIVE');

    const e = await appError(
      core.createRequest(human(uniq('eve')), {
        provider: 'mock',
        role: 'admin',
        resource_scope: 'prod',
        reason: 'x',
      }),
    );
    expect(e.code).toBe('POLICY_DENIED');
    expect(e.message).toMatch(/no eligibility rule grants role admin/);
    const tooLong = await appError(
      core.createRequest(alice, {
        provider: 'mock',
        role: 'admin',
        resource_scope: 'prod',
        duration: '5h',
        reason: 'x',
      }),
    );
    expect(tooLong.message).toMatch(/exceeds the maximum/);

    const report = await core.verifyAudit(admin, {});
    expect(report.ok).toBe(true);
    expect(report.rows_checked).toBeGreaterThanOrEqual(9);
    const lines: string[] = [];
    for await (const l of core.exportAudit(admin)) lines.push(l);
    expect(lines.length).toBeGreaterThan(report.rows_checked);
    expect(lines.join('\n')).not.toContain('mock-access-key');
  });
});
