/**
 * An extension of an AWS STS grant end to end through core (ADR 0045): the provider re-issues the
 * session for the new end against the AWS fake, and get_credentials hands out the new credentials
 * with the new expiry; the old ones keep working until their own end.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/core/config.js';
import { type Core, createCore } from '../../../src/core/create-core.js';
import { deriveServerKeys } from '../../../src/core/crypto/secrets.js';
import type { PolicySet } from '../../../src/core/policy/types.js';
import { AwsFake } from '../../fakes/aws-fake.js';
import { brokenAuditRow } from '../../helpers/audit-chain.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import { ACCOUNT, awsProvider } from '../../providers/support/aws.js';
import { auditRows, human } from './fixtures.js';

/** Everyone may ask; everything is auto-approved (this file is about the provider path). */
const allowAll: PolicySet = {
  engine: 'rego',
  eligibility: () => ({ allow: true, reason: 'ok', reasons: [], decidedBy: ['t'], defined: true }),
  approval: () => ({
    allow: true,
    reason: 'ok',
    reasons: [],
    decidedBy: ['t'],
    defined: true,
    approverTier: 'auto',
  }),
};

describe('extending an AWS STS grant through core (pglite)', () => {
  const fake = new AwsFake();
  let db: TestDb;
  let core: Core;
  beforeAll(async () => {
    await fake.start();
    fake.state.addRole(ACCOUNT, 'deploy', { maxSessionDuration: 7200 });
    db = await createTestDb('pglite');
    core = await createCore({
      config: parseConfig({
        home: mkdtempSync(join(tmpdir(), 'jitsudo-test-')),
        log: { level: 'silent' },
        sweeper: { reconcile_interval_seconds: 0 },
      }),
      db,
      providers: [awsProvider(fake)],
      policies: allowAll,
      keys: deriveServerKeys(createHash('sha256').update(randomBytes(8)).digest()),
      log: pino({ level: 'silent' }),
    });
  });
  afterAll(async () => {
    await core?.close();
    await db?.close();
    await fake.stop();
  });

  it('re-issues the session: new credentials, new expiry, audited without secrets', async () => {
    const alice = human('alice@example.com');
    const r = await core.createRequest(alice, {
      provider: 'aws',
      role: 'deploy',
      resource_scope: ACCOUNT,
      duration: '1h',
      reason: 'INC-1',
    });
    expect(r.state).toBe('ACTIVE');
    const first = await core.getCredentials(alice, { id: r.id });
    const ext = await core.extendRequest(alice, { id: r.id, duration: '30m', reason: 'INC-1 still open' });
    expect(ext.state).toBe('APPLIED');
    const grant = await core.getRequest(alice, { id: r.id });
    const moved = Date.parse(grant.expires_at!) - Date.parse(r.expires_at!);
    expect(Math.abs(moved - 30 * 60_000)).toBeLessThan(5_000);
    const second = await core.getCredentials(alice, { id: r.id });
    expect(second.expires_at).toBe(grant.expires_at);
    expect(second.credentials.AWS_ACCESS_KEY_ID).not.toBe(first.credentials.AWS_ACCESS_KEY_ID);
    const extended = (await auditRows(db.db, r.id)).find((x) => x.action === 'grant.extended')!;
    expect(extended.details).toMatchObject({ credentials_reissued: true, extension_id: ext.id });
    const all = JSON.stringify(await auditRows(db.db, r.id)) + JSON.stringify(ext);
    expect(all).not.toContain(second.credentials.AWS_SECRET_ACCESS_KEY!);
    expect(all).not.toContain(second.credentials.AWS_SESSION_TOKEN!);
    expect(await brokenAuditRow(db.db)).toBeNull();
  });
});
