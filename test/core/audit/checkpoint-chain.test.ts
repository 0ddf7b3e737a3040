import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readAnchorTip, writeAnchor } from '../../../src/core/audit/anchor.js';
import { appendAudit } from '../../../src/core/audit/append.js';
import { createCheckpoint } from '../../../src/core/audit/checkpoint.js';
import { auditCheckpointer } from '../../../src/core/audit/checkpointer.js';
import { verifyAudit, verifyAuditChain } from '../../../src/core/audit/verify.js';
import { deriveServerKeys } from '../../../src/core/crypto/secrets.js';
import { bindAuditMacKey } from '../../../src/core/db/audit-key.js';
import { listCheckpoints, queryAuditRecords } from '../../../src/core/db/audit-repo.js';
import { createTestDb, type TestDb, testDatabases } from '../../helpers/db.js';
import { admin, asDba, forgeHeadRow, freshChain, keys } from './support.js';

const N = 6;
const ev = (i: number) => ({
  actor: 'a@example.com',
  action: 'test.appended',
  outcome: 'success' as const,
  details: { i },
});

async function until(cond: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.each(testDatabases())('audit checkpoints, anchors and the checkpointer on %s', (driver) => {
  let t: TestDb;
  const deps = () => ({ db: t.db, keys });
  beforeAll(async () => {
    t = await createTestDb(driver);
  });
  afterAll(() => t?.close());
  beforeEach(async () => {
    bindAuditMacKey(t.db, keys.auditMacKeys[0]!);
    await freshChain(t.db, N);
  });

  it('numbers checkpoints and detects a deleted middle checkpoint', async () => {
    for (let i = 0; i < 3; i++) {
      await appendAudit(t.db, ev(i));
      await createCheckpoint(deps());
    }
    expect((await listCheckpoints(t.db)).map((c) => c.seq)).toEqual([1, 2, 3]);
    expect((await verifyAuditChain(deps())).ok).toBe(true);
    await asDba(t.db, 'delete from audit_checkpoints where seq = 2');
    const r = await verifyAuditChain(deps());
    expect(r.first_broken).toMatchObject({ kind: 'checkpoint_missing' });
    expect(r.first_broken?.message).toMatch(/#2 is missing/);
  });

  it('detects a tail truncated together with its checkpoints only with the anchor', async () => {
    await createCheckpoint(deps());
    for (let i = 0; i < 3; i++) await appendAudit(t.db, ev(i));
    const anchored = (await createCheckpoint(deps()))!;
    const file = join(mkdtempSync(join(tmpdir(), 'jitsudo-anchor-')), 'anchor.jsonl');
    expect(await writeAnchor({ file }, anchored)).toEqual([]);
    await asDba(
      t.db,
      `delete from audit_checkpoints where seq = 2; delete from audit_events where id > ${N}`,
    );
    // Without the anchor the shortened log is self-consistent: this is what the anchor is for.
    expect(await verifyAuditChain(deps())).toMatchObject({ ok: true, rows_checked: N });
    const anchor = (await readAnchorTip(file))!;
    const r = await verifyAudit(deps(), admin, { anchor: JSON.parse(readFileSync(file, 'utf8')) });
    expect(r.first_broken).toMatchObject({ id: N + 1, kind: 'truncated' });
    expect((await verifyAuditChain(deps(), 10_000, anchor)).first_broken?.kind).toBe('truncated');
  });

  it('accepts an intact anchor and rejects a forged one', async () => {
    const c = (await createCheckpoint(deps()))!;
    expect((await verifyAudit(deps(), admin, { anchor: c })).anchor).toEqual({ seq: 1, head_id: N });
    const forged = { ...c, head_id: N + 5, row_count: N + 5 };
    const r = await verifyAudit(deps(), admin, { anchor: forged });
    expect(r.first_broken).toMatchObject({ kind: 'anchor_mismatch' });
    await expect(verifyAudit(deps(), admin, { anchor: { seq: 'x' } })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
  });

  it('the checkpointer refuses a forged head, alerts, and keeps refusing after the row is gone', async () => {
    const log = {
      info() {},
      warn() {},
      errors: [] as string[],
      error(_o: object, m: string) {
        log.errors.push(m);
      },
    };
    const file = join(mkdtempSync(join(tmpdir(), 'jitsudo-anchor-')), 'anchor.jsonl');
    const config = { audit: { anchor: { file } } };
    const c = auditCheckpointer({ ...deps(), log, config }, 20);
    c.start();
    await until(async () => c.status().last_checkpoint?.head_id === N, 'the first checkpoint');
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1);
    const forged = await forgeHeadRow(t.db);
    await until(async () => c.status().refusals >= 2, 'two refusals');
    expect(c.status()).toMatchObject({ state: 'refusing', first_broken: { id: forged, kind: 'forged' } });
    await asDba(t.db, `delete from audit_events where id = ${forged}`);
    const refusals = c.status().refusals;
    await until(async () => c.status().refusals > refusals + 1, 'more refusals');
    await c.stop();
    expect(log.errors.length).toBeGreaterThanOrEqual(3);
    expect((await listCheckpoints(t.db)).map((x) => x.head_id)).toEqual([N]);
    const alerts = await queryAuditRecords(t.db, { action: 'audit.tamper_detected', limit: 10 });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ actor: 'system', outcome: 'failure', details: { kind: 'forged' } });
  });

  it('a restarted checkpointer refuses when the checkpoints its anchor holds were deleted', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'jitsudo-anchor-')), 'anchor.jsonl');
    await writeAnchor({ file }, (await createCheckpoint(deps()))!);
    // Strip every MAC and every checkpoint: the log now looks like one written before migration 0003.
    await asDba(t.db, 'delete from audit_checkpoints; update audit_events set mac = null, mac_key_id = null');
    const c = auditCheckpointer({ ...deps(), config: { audit: { anchor: { file } } } }, 60_000);
    c.start();
    await until(async () => c.status().refusals > 0, 'a refusal');
    await c.stop();
    expect(c.status().first_broken).toMatchObject({ kind: 'checkpoint_missing' });
    expect(await listCheckpoints(t.db)).toEqual([]);
  });

  it('rows written before row MACs verify once a checkpoint seals them, and only before the first MACed row', async () => {
    await asDba(t.db, 'update audit_events set mac = null, mac_key_id = null');
    expect((await verifyAuditChain(deps())).first_broken).toMatchObject({ id: 1, kind: 'forged' });
    await createCheckpoint(deps()); // the first checkpoint after the upgrade seals the old rows
    await appendAudit(t.db, ev(1));
    const r = await verifyAuditChain(deps());
    expect(r).toMatchObject({ ok: true, rows_checked: N + 1, macs: { checked: true, legacy_rows: N } });
    await forgeHeadRow(t.db);
    expect((await verifyAuditChain(deps())).first_broken).toMatchObject({ id: N + 2, kind: 'forged' });
  });

  it('a rotated key: rows and checkpoints of the retired key verify while it is listed as retired', async () => {
    const oldMaster = Buffer.alloc(32, 1); // the key freshChain's rows were written with
    const rotated = deriveServerKeys(Buffer.alloc(32, 9), 'config', [oldMaster]);
    await createCheckpoint(deps());
    bindAuditMacKey(t.db, rotated.auditMacKeys[0]!);
    await appendAudit(t.db, ev(1));
    await createCheckpoint({ db: t.db, keys: rotated });
    expect(await verifyAuditChain({ db: t.db, keys: rotated })).toMatchObject({
      ok: true,
      rows_checked: N + 1,
    });
    const forgotten = deriveServerKeys(Buffer.alloc(32, 9));
    expect((await verifyAuditChain({ db: t.db, keys: forgotten })).first_broken?.kind).toBe('bad_checkpoint');
  });
});
