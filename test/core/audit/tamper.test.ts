import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appendAudit } from '../../../src/core/audit/append.js';
import { createCheckpoint } from '../../../src/core/audit/checkpoint.js';
import { FIRST_CHECKPOINT_PREV, signCheckpoint } from '../../../src/core/audit/checkpoint-sign.js';
import { GENESIS_HASH, hashAuditRecord } from '../../../src/core/audit/hash.js';
import { verifyAudit } from '../../../src/core/audit/verify.js';
import { insertCheckpointOnce, listCheckpoints, scanAuditRecords } from '../../../src/core/db/audit-repo.js';
import { createTestDb, type TestDb, testDatabases } from '../../helpers/db.js';
import { admin, asDba, bob, forgeHeadRow, freshChain, keys, otherKeys } from './support.js';

const N = 12;

describe.each(testDatabases())('audit chain tamper detection on %s', (driver) => {
  let t: TestDb;
  const verify = () => verifyAudit({ db: t.db, keys }, admin, { batch_size: 100 });
  beforeAll(async () => {
    t = await createTestDb(driver);
  });
  afterAll(() => t?.close());
  beforeEach(async () => {
    await freshChain(t.db, N);
  });

  it('verifies an untouched chain, with and without a checkpoint', async () => {
    const r = await verify();
    expect(r).toMatchObject({ ok: true, rows_checked: N, first_broken: null });
    expect(r.head?.id).toBe(N);
    expect(r.checkpoints.unanchored_rows).toBe(N);
    await createCheckpoint({ db: t.db, keys });
    const r2 = await verify();
    expect(r2.ok).toBe(true);
    expect(r2.checkpoints.latest?.head_id).toBe(N);
    expect(r2.checkpoints.unanchored_rows).toBe(0);
  });

  it('verifies an empty log', async () => {
    await asDba(t.db, 'delete from audit_events');
    expect(await verify()).toMatchObject({ ok: true, rows_checked: 0, head: null });
  });

  it.each([
    ['actor', "actor = 'mallory@example.com'"],
    ['details', `details = '{"i":4}'`],
    ['provider (null ↔ value)', 'provider = null'],
    ['timestamp by one microsecond', "ts = ts + interval '1 microsecond'"],
    ['prev_hash', `prev_hash = '${'f'.repeat(64)}'`],
  ])('detects a modified %s at the right row', async (_what, set) => {
    await asDba(t.db, `update audit_events set ${set} where id = 4`);
    const r = await verify();
    expect(r.ok).toBe(false);
    expect(r.first_broken).toMatchObject({ id: 4, kind: 'modified' });
    expect(r.rows_checked).toBe(3);
  });

  it('detects a modified row whose hash was recomputed (at the row: its MAC no longer matches)', async () => {
    const [row] = (await scanAuditRecords(t.db, 3, 1)) as [any];
    const forged = { ...row, actor: 'mallory@example.com' };
    delete forged.hash;
    await asDba(
      t.db,
      `update audit_events set actor = 'mallory@example.com', hash = '${hashAuditRecord(forged)}' where id = 4`,
    );
    expect((await verify()).first_broken).toMatchObject({ id: 4, kind: 'forged' });
  });

  it('detects a deleted row', async () => {
    await asDba(t.db, 'delete from audit_events where id = 4');
    expect((await verify()).first_broken).toMatchObject({ id: 4, kind: 'deleted' });
  });

  it('detects several deleted rows, including the first', async () => {
    await asDba(t.db, 'delete from audit_events where id in (1, 2)');
    const r = await verify();
    expect(r.first_broken).toMatchObject({ id: 1, kind: 'deleted' });
    expect(r.first_broken?.message).toMatch(/rows 1\.\.2/);
  });

  it('detects a row inserted in the middle with a valid-looking hash', async () => {
    const [r4] = (await scanAuditRecords(t.db, 3, 1)) as [any];
    const forged = {
      ...r4,
      id: 5,
      actor: 'mallory@example.com',
      action: 'grant.revoked',
      prev_hash: r4.hash,
    };
    delete forged.hash;
    const h = hashAuditRecord(forged);
    await asDba(
      t.db,
      `update audit_events set id = id + 1000 where id >= 5;
       update audit_events set id = id - 999 where id >= 1000;
       insert into audit_events (id, ts, actor, actor_kind, action, outcome, details, prev_hash, hash)
         values (5, '${forged.ts}', 'mallory@example.com', 'human', 'grant.revoked', 'success', '{}', '${r4.hash}', '${h}')`,
    );
    // The forged row uses details {} while hashed with r4's details: make them agree.
    await asDba(
      t.db,
      `update audit_events set details = (select details from audit_events where id = 4), request_id = (select request_id from audit_events where id = 4), provider = (select provider from audit_events where id = 4), resource_scope = 'prod' where id = 5`,
    );
    // Hash and link are right; the forged row has no server MAC.
    expect((await verify()).first_broken).toMatchObject({ id: 5, kind: 'forged' });
  });

  it('detects a row inserted with a fabricated hash', async () => {
    await asDba(
      t.db,
      `update audit_events set id = id + 1000 where id >= 5;
       update audit_events set id = id - 999 where id >= 1000;
       insert into audit_events (id, ts, actor, actor_kind, action, outcome, prev_hash, hash)
         values (5, now(), 'mallory@example.com', 'human', 'grant.revoked', 'success', '${GENESIS_HASH}', '${'a'.repeat(64)}')`,
    );
    expect((await verify()).first_broken).toMatchObject({ id: 5, kind: 'inserted' });
  });

  it('detects a row appended past a gap', async () => {
    await asDba(
      t.db,
      `insert into audit_events (id, ts, actor, actor_kind, action, outcome, prev_hash, hash)
         values (${N + 10}, now(), 'mallory@example.com', 'human', 'grant.revoked', 'success', '${GENESIS_HASH}', '${'a'.repeat(64)}')`,
    );
    expect((await verify()).first_broken).toMatchObject({ id: N + 10, kind: 'inserted' });
  });

  it('detects two reordered rows', async () => {
    await asDba(
      t.db,
      'update audit_events set id = -4 where id = 4; update audit_events set id = 4 where id = 5; update audit_events set id = 5 where id = -4',
    );
    expect((await verify()).first_broken).toMatchObject({ id: 4, kind: 'reordered' });
  });

  it('detects tail truncation through the signed checkpoint', async () => {
    await createCheckpoint({ db: t.db, keys });
    await asDba(t.db, `delete from audit_events where id > ${N - 3}`);
    const r = await verify();
    expect(r.first_broken).toMatchObject({ id: N - 2, kind: 'truncated' });
    expect(r.rows_checked).toBe(N - 3);
  });

  it('detects a chain rewritten from a row below a checkpoint', async () => {
    await createCheckpoint({ db: t.db, keys });
    // Re-chain rows 8..N after changing row 8: every hash is valid, only the checkpoint disagrees.
    const rows = (await scanAuditRecords(t.db, 0, 1000)) as any[];
    let prev = rows[6].hash;
    const stmts: string[] = [];
    for (const r of rows.slice(7)) {
      const next = { ...r, prev_hash: prev, actor: r.id === 8 ? 'mallory@example.com' : r.actor };
      delete next.hash;
      const h = hashAuditRecord(next);
      stmts.push(
        `update audit_events set actor = '${next.actor}', prev_hash = '${prev}', hash = '${h}' where id = ${r.id}`,
      );
      prev = h;
    }
    await asDba(t.db, stmts.join(';'));
    // The first re-hashed row lacks a valid MAC (the checkpoint at row N would disagree too).
    expect((await verify()).first_broken).toMatchObject({ id: 8, kind: 'forged' });
  });

  it('detects a correctly hashed row forged at the head, and the checkpointer refuses to sign it', async () => {
    await createCheckpoint({ db: t.db, keys });
    await forgeHeadRow(t.db);
    const r = await verify();
    expect(r.first_broken).toMatchObject({ id: N + 1, kind: 'forged' });
    expect(r.rows_checked).toBe(N);
    await expect(createCheckpoint({ db: t.db, keys })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await listCheckpoints(t.db)).map((c) => c.head_id)).toEqual([N]);
  });

  it('detects a chain re-hashed after all checkpoints were deleted, and the checkpointer refuses to sign it', async () => {
    await createCheckpoint({ db: t.db, keys });
    const rows = (await scanAuditRecords(t.db, 0, 1000)) as any[];
    let prev = rows[1].hash;
    const stmts = ['delete from audit_checkpoints'];
    for (const r of rows.slice(2)) {
      const next = { ...r, prev_hash: prev, actor: r.id === 3 ? 'mallory@example.com' : r.actor };
      delete next.hash;
      const h = hashAuditRecord(next);
      stmts.push(
        `update audit_events set actor = '${next.actor}', prev_hash = '${prev}', hash = '${h}' where id = ${r.id}`,
      );
      prev = h;
    }
    await asDba(t.db, stmts.join(';'));
    expect((await verify()).first_broken).toMatchObject({ id: 3, kind: 'forged' });
    await expect(createCheckpoint({ db: t.db, keys })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await listCheckpoints(t.db)).toEqual([]);
  });

  it('rejects a checkpoint signed by another key', async () => {
    const [head] = (await scanAuditRecords(t.db, N - 1, 1)) as [any];
    const forged = signCheckpoint(otherKeys.signingKey, otherKeys.signingPublicKey, {
      seq: 1,
      prev_digest: FIRST_CHECKPOINT_PREV,
      row_count: N,
      head_id: N,
      head_hash: head.hash,
      signed_at: new Date().toISOString(),
    });
    await insertCheckpointOnce(t.db, forged);
    expect((await verify()).first_broken).toMatchObject({ kind: 'bad_checkpoint' });
    await expect(createCheckpoint({ db: t.db, keys })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('verifies rows with multi-byte UTF-8 in actor and details, and catches a one-character change in them', async () => {
    // The verifier hashes the COPY bytes as the database sends them: a row whose text is not ASCII
    // must hash the same as when it was appended, and a changed multi-byte character (here to another
    // of the same UTF-8 length, so no offset moves) must break it.
    for (const actor of ['jürgen.ø@example.com', '管理者@例え.jp', 'emoji 🔐 actor'])
      await appendAudit(t.db, {
        actor,
        action: 'request.created',
        outcome: 'success',
        details: { reason: 'Überprüfung — 審査 🔐', ключ: ['é', '\u{1F600}', 'tab\there'] },
      });
    const ok = await verify();
    expect(ok).toMatchObject({ ok: true, rows_checked: N + 3, first_broken: null });
    await asDba(
      t.db,
      `update audit_events set details = replace(details, '審査', '審杳') where id = ${N + 2}`,
    );
    const r = await verify();
    expect(r.first_broken).toMatchObject({ id: N + 2, kind: 'modified' });
    expect(r.rows_checked).toBe(N + 1);
    await asDba(
      t.db,
      `update audit_events set details = replace(details, '審杳', '審査') where id = ${N + 2}`,
    );
    expect((await verify()).ok).toBe(true);
    await asDba(t.db, `update audit_events set actor = 'emoji 🔓 actor' where id = ${N + 3}`);
    expect((await verify()).first_broken).toMatchObject({ id: N + 3, kind: 'modified' });
  });

  it('refuses a non-admin and bad input without reading', async () => {
    await expect(verifyAudit({ db: t.db, keys }, bob, {})).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(verifyAudit({ db: t.db, keys }, admin, { batch_size: 'x' })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
  });
});
