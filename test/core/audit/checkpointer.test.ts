import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../../../src/core/audit/append.js';
import { auditCheckpointer } from '../../../src/core/audit/checkpointer.js';
import { verifyAuditChain } from '../../../src/core/audit/verify.js';
import { listCheckpoints } from '../../../src/core/db/audit-repo.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import { keys } from './support.js';

describe('audit checkpointer', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb('pglite');
  });
  afterAll(() => t?.close());

  it('signs a checkpoint only when the head moved', async () => {
    const c = auditCheckpointer({ db: t.db, keys }, 20);
    c.start();
    await new Promise((r) => setTimeout(r, 100));
    expect(await listCheckpoints(t.db)).toEqual([]);
    await appendAudit(t.db, { actor: 'a@example.com', action: 'test.appended', outcome: 'success' });
    // Ticks every 20 ms; poll rather than sleep a fixed time (a loaded machine delays timers).
    for (let i = 0; i < 250 && (await listCheckpoints(t.db)).length === 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 100)); // more ticks: the head did not move again
    await c.stop();
    const cps = await listCheckpoints(t.db);
    expect(cps.map((x) => x.head_id)).toEqual([1]);
    const r = await verifyAuditChain({ db: t.db, keys });
    expect(r).toMatchObject({ ok: true, checkpoints: { total: 1, unanchored_rows: 0 } });
  });
});
