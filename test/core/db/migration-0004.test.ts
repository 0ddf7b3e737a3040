/**
 * Migration 0004 on a database that has rows from before it: agents get their creator (from their
 * `agent.created` audit event, else their owner), requests by agents carry it too, agent trust tiers
 * are re-keyed to the agent's id, and tiers set on agent names nobody registered are dropped.
 */
import { PGlite } from '@electric-sql/pglite';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationsFolder } from '../../../src/core/db/migrate.js';
import { scratchDatabase } from '../../e2e/support/processes.js';
import { testDatabases } from '../../helpers/db.js';

interface Raw {
  exec(sql: string): Promise<void>;
  rows(sql: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

async function open(driver: string): Promise<Raw> {
  if (driver === 'pglite') {
    const pg = new PGlite();
    return {
      exec: async (q) => void (await pg.exec(q)),
      rows: async (q) => (await pg.query<Record<string, unknown>>(q)).rows,
      close: () => pg.close(),
    };
  }
  const scratch = await scratchDatabase();
  const sql = postgres(scratch.url, { max: 1, onnotice: () => {} });
  return {
    exec: async (q) => void (await sql.unsafe(q)),
    rows: async (q) => [...(await sql.unsafe(q))] as Record<string, unknown>[],
    close: async () => {
      await sql.end();
      await scratch.drop();
    },
  };
}

const migrations = readMigrationFiles({ migrationsFolder: migrationsFolder() });
const applyWhere = async (db: Raw, keep: (m: (typeof migrations)[number], i: number) => boolean) => {
  for (const [i, m] of migrations.entries())
    if (keep(m, i)) for (const stmt of m.sql) if (stmt.trim()) await db.exec(stmt);
};
// The journal order is the apply order; 0004 is found by its file's statements.
const index0004 = migrations.findIndex((m) => m.sql.some((s) => s.includes('"agent_created_by"')));

describe.each(testDatabases())('migration 0004 over existing rows on %s', (driver) => {
  let db: Raw;
  beforeAll(async () => {
    expect(index0004).toBeGreaterThan(0);
    db = await open(driver);
    await applyWhere(db, (_m, i) => i < index0004);
    await db.exec(`
      insert into agents (id, name, owner, token_hash) values
        ('agt_01AAAAAAAAAAAAAAAAAAAAAAAA', 'made-for-bob', 'bob@example.com', 'h1'),
        ('agt_01BBBBBBBBBBBBBBBBBBBBBBBB', 'carols-own', 'carol@example.com', 'h2');
      insert into audit_events (id, ts, actor, actor_kind, action, outcome, details, prev_hash, hash) values
        (1, now(), 'ann@example.com', 'human', 'agent.created', 'success',
         '{"agent_id":"agt_01AAAAAAAAAAAAAAAAAAAAAAAA","name":"made-for-bob","owner":"bob@example.com"}', 'p', 'h'),
        (2, now(), 'zed@example.com', 'human', 'principal.trust_tier_set', 'success', 'not json at all', 'h', 'h2');
      insert into principals (identity, kind, trust_tier) values
        ('agent:made-for-bob', 'agent', 3),
        ('agent:never-registered', 'agent', 4),
        ('bob@example.com', 'human', 2);
      insert into requests (id, state, requester_identity, requester_kind, agent_id, agent_name, agent_owner,
                            provider, role, duration_seconds) values
        ('req_01CCCCCCCCCCCCCCCCCCCCCCCC', 'PENDING', 'agent:made-for-bob', 'agent',
         'agt_01AAAAAAAAAAAAAAAAAAAAAAAA', 'made-for-bob', 'bob@example.com', 'mock', 'deployer', 60),
        ('req_01DDDDDDDDDDDDDDDDDDDDDDDD', 'PENDING', 'bob@example.com', 'human', null, null, null,
         'mock', 'deployer', 60);
    `);
    await applyWhere(db, (_m, i) => i === index0004);
  }, 300_000); // a new PostgreSQL database and every migration, on a loaded machine
  afterAll(() => db?.close());

  it('records each agent’s creator: the actor of its agent.created event, else its owner', async () => {
    expect(await db.rows('select name, created_by from agents order by name')).toEqual([
      { name: 'carols-own', created_by: 'carol@example.com' },
      { name: 'made-for-bob', created_by: 'ann@example.com' },
    ]);
  });

  it('copies the creator onto the agent’s requests', async () => {
    expect(await db.rows('select id, agent_created_by from requests order by id')).toEqual([
      { id: 'req_01CCCCCCCCCCCCCCCCCCCCCCCC', agent_created_by: 'ann@example.com' },
      { id: 'req_01DDDDDDDDDDDDDDDDDDDDDDDD', agent_created_by: null },
    ]);
  });

  it('re-keys agent tiers to the agent id and drops tiers on names nobody registered', async () => {
    expect(
      await db.rows('select identity, kind, agent_id, trust_tier from principals order by identity'),
    ).toEqual([
      {
        identity: 'agent:made-for-bob',
        kind: 'agent',
        agent_id: 'agt_01AAAAAAAAAAAAAAAAAAAAAAAA',
        trust_tier: 3,
      },
      { identity: 'bob@example.com', kind: 'human', agent_id: null, trust_tier: 2 },
    ]);
    // From now on a tier on an agent name needs the agent.
    await expect(
      db.exec(`insert into principals (identity, kind, trust_tier) values ('agent:squat', 'agent', 4)`),
    ).rejects.toThrow();
  });
});
