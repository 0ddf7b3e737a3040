/**
 * `audit verify` does not recompute the MAC of rows a signed checkpoint covers (ADR 0035,
 * "Verification cost"). These pin what it still proves: the tail after the newest checkpoint is
 * MAC-checked row by row, covered rows still need a trusted key id and no stripped MAC, and a break
 * below a checkpoint is named at the same row as a check of every MAC would name it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appendAudit } from '../../../src/core/audit/append.js';
import { createCheckpoint } from '../../../src/core/audit/checkpoint.js';
import { verifyAudit } from '../../../src/core/audit/verify.js';
import { bindAuditMacKey } from '../../../src/core/db/audit-key.js';
import { createTestDb, type TestDb, testDatabases } from '../../helpers/db.js';
import { admin, asDba, freshChain, keys } from './support.js';

const N = 10;
const TAIL = 4;
const ev = (i: number) => ({
  actor: 'a@example.com',
  action: 'test.appended',
  outcome: 'success' as const,
  details: { i },
});

describe.each(testDatabases())('audit verify with checkpoint-covered rows on %s', (driver) => {
  let t: TestDb;
  const verify = (batch_size = 100) => verifyAudit({ db: t.db, keys }, admin, { batch_size });
  beforeAll(async () => {
    t = await createTestDb(driver);
  });
  afterAll(() => t?.close());
  beforeEach(async () => {
    bindAuditMacKey(t.db, keys.auditMacKeys[0]!);
    await freshChain(t.db, N);
    await createCheckpoint({ db: t.db, keys });
    for (let i = 0; i < TAIL; i++) await appendAudit(t.db, ev(i));
  });

  it('verifies covered rows and the tail', async () => {
    expect(await verify()).toMatchObject({
      ok: true,
      rows_checked: N + TAIL,
      checkpoints: { latest: { head_id: N }, unanchored_rows: TAIL },
      macs: { checked: true },
    });
  });

  it.each([N + 1, N + 2, N + TAIL])(
    'checks the MAC of every tail row: a damaged MAC on row %i is forged',
    async (id) => {
      await asDba(t.db, `update audit_events set mac = '${'0'.repeat(32)}' where id = ${id}`);
      for (const batch of [100, 1000]) {
        const r = await verify(batch);
        expect(r.first_broken).toMatchObject({ id, kind: 'forged' });
        expect(r.rows_checked).toBe(id - 1);
      }
    },
  );

  it('still rejects a covered row under an unknown key id, or with its MAC stripped after MACed rows', async () => {
    await asDba(t.db, `update audit_events set mac_key_id = 'deadbeef' where id = 4`);
    expect((await verify()).first_broken).toMatchObject({ id: 4, kind: 'forged' });
    await asDba(t.db, `update audit_events set mac_key_id = '${keys.auditMacKeys[0]!.id}' where id = 4`);
    expect((await verify()).ok).toBe(true);
    await asDba(t.db, 'update audit_events set mac_key_id = null, mac = null where id = 6');
    expect((await verify()).first_broken).toMatchObject({ id: 6, kind: 'forged' });
  });

  it('names a break below the checkpoint at the first row a full MAC check names (re-verified)', async () => {
    // Row 5's MAC is damaged and row 7 modified: a full check stops at 5, the skipping pass at 7.
    await asDba(t.db, `update audit_events set mac = '${'0'.repeat(32)}' where id = 5`);
    await asDba(t.db, `update audit_events set actor = 'mallory@example.com' where id = 7`);
    const r = await verify();
    expect(r.first_broken).toMatchObject({ id: 5, kind: 'forged' });
    expect(r.rows_checked).toBe(4);
  });

  it('accepts a covered row whose MAC alone was damaged: the signed head proves its content', async () => {
    await asDba(t.db, `update audit_events set mac = '${'0'.repeat(32)}' where id = 5`);
    expect(await verify()).toMatchObject({ ok: true, rows_checked: N + TAIL });
  });
});
