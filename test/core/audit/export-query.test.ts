import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckpoint } from '../../../src/core/audit/checkpoint.js';
import { exportAudit } from '../../../src/core/audit/export.js';
import { queryAudit } from '../../../src/core/audit/query.js';
import { verifyAuditExport } from '../../../src/core/audit/verify-export.js';
import { exportPublicKey } from '../../../src/core/crypto/secrets.js';
import { requests } from '../../../src/core/db/schema/index.js';
import { createTestDb, type TestDb, testDatabases } from '../../helpers/db.js';
import { admin, alice, bob, freshChain, keys, otherKeys } from './support.js';

const collect = async (it: AsyncIterable<string>) => {
  const out: string[] = [];
  for await (const l of it) out.push(l);
  return out;
};

describe.each(testDatabases())('audit export and query on %s', (driver) => {
  let t: TestDb;
  let lines: string[];
  const deps = () => ({ db: t.db, keys });
  beforeAll(async () => {
    t = await createTestDb(driver);
    await freshChain(t.db, 30);
    await createCheckpoint(deps());
    lines = await collect(exportAudit(deps(), admin, { batchSize: 7 }));
  });
  afterAll(() => t?.close());

  it('exports header, checkpoints and every event as JSON lines', () => {
    expect(JSON.parse(lines[0]!)).toMatchObject({
      type: 'header',
      public_key: exportPublicKey(keys.signingPublicKey),
    });
    expect(JSON.parse(lines[1]!)).toMatchObject({ type: 'checkpoint', head_id: 30, row_count: 30 });
    expect(lines.length).toBe(32);
    expect(JSON.parse(lines[31]!)).toMatchObject({ type: 'event', id: 30 });
  });

  it('verifies offline, pinned to the server key', async () => {
    const r = await verifyAuditExport(lines, { publicKey: exportPublicKey(keys.signingPublicKey) });
    expect(r).toMatchObject({ ok: true, rows_checked: 30, trusted_key: { source: 'argument' } });
    expect(r.checkpoints.unanchored_rows).toBe(0);
  });

  it('detects an edited, dropped or truncated export, and a foreign key', async () => {
    const edit = lines.map((l, i) => (i === 10 ? l.replace('"actor":"', '"actor":"x') : l));
    expect((await verifyAuditExport(edit)).first_broken).toMatchObject({ id: 9, kind: 'modified' });
    const dropped = lines.filter((_, i) => i !== 10);
    expect((await verifyAuditExport(dropped)).first_broken).toMatchObject({ id: 9, kind: 'deleted' });
    expect((await verifyAuditExport(lines.slice(0, 25))).first_broken).toMatchObject({
      id: 24,
      kind: 'truncated',
    });
    const foreign = await verifyAuditExport(lines, {
      publicKey: exportPublicKey(otherKeys.signingPublicKey),
    });
    expect(foreign.first_broken).toMatchObject({ kind: 'bad_checkpoint' });
    await expect(verifyAuditExport(['{"type":"event"}'])).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(verifyAuditExport([lines[0]!, 'not json'])).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('refuses export to non-admins', async () => {
    await expect(collect(exportAudit(deps(), bob))).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('pages newest first with filters', async () => {
    const p1 = await queryAudit(deps(), admin, { limit: 10 });
    expect(p1.events.map((e) => e.id)).toEqual([30, 29, 28, 27, 26, 25, 24, 23, 22, 21]);
    const p2 = await queryAudit(deps(), admin, { limit: 10, cursor: p1.next_cursor! });
    expect(p2.events[0]!.id).toBe(20);
    const p3 = await queryAudit(deps(), admin, { limit: 10, cursor: p2.next_cursor! });
    expect(p3.events.map((e) => e.id)).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(p3.next_cursor).toBeNull();
    const grants = await queryAudit(deps(), admin, { action: 'grant.issued', provider: 'aws', limit: 100 });
    expect(grants.events.every((e) => e.action === 'grant.issued' && e.provider === 'aws')).toBe(true);
    expect(grants.events.length).toBe(5);
    const one = await queryAudit(deps(), admin, { request_id: `req_${'7'.padStart(26, '0')}` });
    expect(one.events.map((e) => e.id)).toEqual([7]);
    const future = await queryAudit(deps(), admin, { since: '2999-01-01T00:00:00Z' });
    expect(future.events).toEqual([]);
    const until = await queryAudit(deps(), admin, { until: '2999-01-01T00:00:00Z', limit: 1 });
    expect(until.events.length).toBe(1);
  });

  it('shows non-admins only their own events and events on their requests', async () => {
    const mine = await queryAudit(deps(), bob, { limit: 1000 });
    expect(mine.events.length).toBe(15);
    expect(mine.events.every((e) => e.actor === bob.identity)).toBe(true);
    // alice acted on request 2 (made by bob): bob now sees that event too.
    await t.db.insert(requests).values({
      id: `req_${'1'.padStart(26, '0')}`,
      state: 'PENDING',
      requesterIdentity: bob.identity,
      provider: 'aws',
      role: 'r',
      durationSeconds: 60,
    });
    const withRequest = await queryAudit(deps(), bob, { limit: 1000 });
    expect(withRequest.events.map((e) => e.id)).toContain(1);
    expect((await queryAudit(deps(), bob, { actor: alice.identity })).events.map((e) => e.id)).toEqual([1]);
  });

  it.each([
    [{ limit: 0 }],
    [{ limit: 1001 }],
    [{ limit: '5' }],
    [{ cursor: 'garbage' }],
    [{ since: 'yesterday' }],
    [{ since: '2026-01-02T00:00:00Z', until: '2026-01-01T00:00:00Z' }],
    [{ unknown: 1 }],
  ])('rejects bad query input %j', async (input) => {
    await expect(queryAudit(deps(), admin, input)).rejects.toMatchObject({ code: 'VALIDATION' });
  });
});
