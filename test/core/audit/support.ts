/** Shared bits for the audit suites: actors, keys, and SQL run as a DBA with the append-only triggers off. */
import { sql } from 'drizzle-orm';
import type { Actor } from '../../../src/core/actor.js';
import { appendAudit } from '../../../src/core/audit/append.js';
import { GENESIS_HASH, hashAuditRecord } from '../../../src/core/audit/hash.js';
import { deriveServerKeys } from '../../../src/core/crypto/secrets.js';
import { scanAuditRecords } from '../../../src/core/db/audit-repo.js';
import type { Database } from '../../../src/core/db/client.js';
import { TEST_SERVER_KEYS } from '../../helpers/db.js';

/** The keys every test database is bound to (test/helpers/db.ts). */
export const keys = TEST_SERVER_KEYS;
export const otherKeys = deriveServerKeys(Buffer.alloc(32, 2));

export const admin: Actor = {
  identity: 'admin@example.com',
  kind: 'human',
  groups: ['jitsudo-admins'],
  scopes: [],
  isAdmin: true,
};
export const alice: Actor = {
  identity: 'alice@example.com',
  kind: 'human',
  groups: ['sre'],
  scopes: [],
  isAdmin: false,
};
export const bob: Actor = {
  identity: 'bob@example.com',
  kind: 'human',
  groups: [],
  scopes: [],
  isAdmin: false,
};

/** Runs `statements` the way a DBA tampering with the log would: triggers disabled, in one transaction. */
export async function asDba(db: Database, statements: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql.raw('alter table audit_events disable trigger user'));
    await tx.execute(sql.raw('alter table audit_checkpoints disable trigger user'));
    for (const s of statements.split(';').filter((x) => x.trim())) await tx.execute(sql.raw(s));
    await tx.execute(sql.raw('alter table audit_events enable trigger user'));
    await tx.execute(sql.raw('alter table audit_checkpoints enable trigger user'));
  });
}

/** Empties the log (as a DBA) and appends `n` events alternating between alice and bob. */
export async function freshChain(db: Database, n: number): Promise<void> {
  await asDba(db, 'delete from audit_checkpoints; delete from audit_events');
  for (let i = 1; i <= n; i++)
    await appendAudit(db, {
      actor: i % 2 ? alice.identity : bob.identity,
      action: i % 3 ? 'request.created' : 'grant.issued',
      requestId: `req_${String(i).padStart(26, '0')}`,
      provider: i % 2 ? 'aws' : 'mock',
      resourceScope: 'prod',
      outcome: 'success',
      details: { i, note: 'ünïcode ✓ "quoted" \\ and\ttab', nested: { b: [1, 2.5, null], a: true } },
    });
}

/**
 * Appends a row the way a database writer without the server key can: correct id, link and hash,
 * no MAC (or `mac` if given). Plain INSERT — the append-only triggers allow it. Returns its id.
 */
export async function forgeHeadRow(db: Database, mac?: { keyId: string; mac: string }): Promise<number> {
  const [head] = await scanAuditRecords(db, 0, 100_000).then((rows) => rows.slice(-1));
  const row = {
    id: (head?.id ?? 0) + 1,
    ts: head?.ts ?? '2030-01-01T00:00:00.000000Z',
    actor: 'mallory@example.com',
    actor_kind: 'human',
    on_behalf_of: null,
    action: 'grant.revoked',
    request_id: null,
    provider: null,
    resource_scope: null,
    outcome: 'success',
    details: {},
    prev_hash: head?.hash ?? GENESIS_HASH,
  };
  const hash = hashAuditRecord(row);
  await db.execute(
    sql`insert into audit_events (id, ts, actor, actor_kind, action, outcome, details, prev_hash, hash, mac_key_id, mac)
        values (${row.id}, ${row.ts}, ${row.actor}, 'human', ${row.action}, 'success', '{}', ${row.prev_hash}, ${hash},
                ${mac?.keyId ?? null}, ${mac?.mac ?? null})`,
  );
  return row.id;
}
