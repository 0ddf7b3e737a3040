/**
 * Test harness for the lifecycle: a real core on a real (PGlite or PostgreSQL) test database, the
 * mock provider, a movable clock, and a policy set in TypeScript that follows the shape of the
 * default Rego policies (eligibility by group / read-only role / tier-4 break-glass; routing auto for
 * read-only at tier ≥ 3, ai_review for agents asking to write, human otherwise; no self-approval).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll } from 'vitest';
import type { Actor } from '../../../src/core/actor.js';
import { parseConfig } from '../../../src/core/config.js';
import { type Core, createCore } from '../../../src/core/create-core.js';
import { deriveServerKeys } from '../../../src/core/crypto/secrets.js';
import { queryAuditRecords } from '../../../src/core/db/audit-repo.js';
import { type Database, type Driver, sqlRows } from '../../../src/core/db/client.js';
import { AppError } from '../../../src/core/errors.js';
import type { ApprovalDecision, Decision, PolicyInput, PolicySet } from '../../../src/core/policy/types.js';
import { MockProvider } from '../../../src/providers/mock/index.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import { setTier } from '../../helpers/principals.js';

export class Clock {
  t: number;
  constructor(start = Date.parse('2030-01-01T09:00:00.000Z')) {
    this.t = start;
  }
  now = (): Date => new Date(this.t);
  advance(ms: number): void {
    this.t += ms;
  }
}

const readOnly = (role: string) =>
  /read|view/i.test(role) && !/write|admin|owner|editor|full|power/i.test(role);

function decision(allow: boolean, grants: string[], denies: string[]): Decision {
  const reasons = allow ? grants : denies;
  return { allow, reason: reasons.join('; ') || 'denied', reasons, decidedBy: ['test'], defined: true };
}

/** The default policy's behaviour, in TypeScript. */
export function testPolicies(): PolicySet {
  return {
    engine: 'rego',
    eligibility(input: PolicyInput): Decision {
      const grants: string[] = [];
      const denies: string[] = [];
      const r = input.request;
      if (input.user.groups.includes('sre')) grants.push('member of group sre');
      if (readOnly(r.role)) grants.push('read-only role');
      if (r.break_glass && input.context.trust_tier >= 4)
        grants.push('break-glass by a trust tier 4 principal');
      if (r.break_glass && input.context.trust_tier < 4)
        denies.push(
          `break-glass requires trust tier 4 (this principal has tier ${input.context.trust_tier})`,
        );
      if (grants.length === 0)
        denies.push(`no eligibility rule grants role ${r.role} to ${input.user.email}`);
      if (r.duration_seconds > 14_400) denies.push('requested duration exceeds the maximum of 4 h');
      return decision(denies.length === 0, grants, denies);
    },
    approval(input: PolicyInput): ApprovalDecision {
      const denies: string[] = [];
      const req = input.context.requester;
      if (!req) denies.push('the approval input names no requester (input.context.requester)');
      else if (req.email.toLowerCase() === input.user.email.toLowerCase())
        denies.push('an approver may not approve their own request');
      const r = input.request;
      const agentWrite = input.user.kind === 'agent' && !readOnly(r.role);
      const auto =
        (readOnly(r.role) && input.context.trust_tier >= 3) ||
        (r.break_glass && input.context.trust_tier >= 4);
      const approverTier = agentWrite ? 'ai_review' : auto ? 'auto' : 'human';
      return { ...decision(denies.length === 0, ['ok'], denies), approverTier };
    },
  };
}

export const human = (email: string, groups: string[] = [], isAdmin = false): Actor => ({
  identity: email,
  kind: 'human',
  groups,
  scopes: isAdmin ? ['requester', 'admin'] : ['requester'],
  isAdmin,
});

export const agent = (name: string, owner: string, groups: string[] = [], scopes = ['requester']): Actor => ({
  identity: `agent:${name}`,
  kind: 'agent',
  groups,
  agent: { id: `agt_${name}`, name, owner },
  scopes,
  isAdmin: false,
});

let seq = 0;
/** A unique email per call, so tests sharing a database never see each other's rows. */
export const uniq = (name: string) => `${name}-${++seq}-${randomBytes(3).toString('hex')}@example.com`;

export interface Harness {
  core: Core;
  db: Database;
  driver: Driver;
  mock: MockProvider;
  clock: Clock;
  testDb: TestDb;
  /** createRequest on the mock provider: role admin on scope dev unless `input` says otherwise. */
  ask(who: Actor, input?: Record<string, unknown>): ReturnType<Core['createRequest']>;
  close(): Promise<void>;
}

/** A core on a fresh test database (or `shared`), with its own clock and mock provider. */
export async function makeHarness(
  driver: Driver,
  opts: {
    shared?: TestDb;
    /** Connections in the fresh test database's pool (when not `shared`). */
    poolSize?: number;
    /** Another connection (pool) to the shared database: a second server process. */
    db?: { db: Database; driver: Driver };
    config?: Record<string, unknown>;
    mock?: MockProvider;
    clock?: Clock;
    /** Instead of testPolicies() (e.g. quorumPolicies() in quorum.test.ts). */
    policies?: PolicySet;
  } = {},
): Promise<Harness> {
  const testDb = opts.shared ?? (await createTestDb(driver, { poolSize: opts.poolSize }));
  const clock = opts.clock ?? new Clock();
  const mock = opts.mock ?? new MockProvider({ now: clock.now });
  const config = parseConfig({
    home: mkdtempSync(join(tmpdir(), 'jitsudo-test-')),
    log: { level: 'silent' },
    providers: { mock: {} },
    sweeper: { max_attempts: 3, reconcile_interval_seconds: 0 },
    ...opts.config,
  });
  const core = await createCore({
    config,
    db: opts.db ?? testDb,
    providers: [mock],
    policies: opts.policies ?? testPolicies(),
    keys: deriveServerKeys(createHash('sha256').update('test-master-key').digest()),
    now: clock.now,
    log: pino({ level: 'silent' }),
  });
  return {
    core,
    db: opts.db?.db ?? testDb.db,
    driver,
    mock,
    clock,
    testDb,
    ask: (who, input = {}) =>
      core.createRequest(who, {
        provider: 'mock',
        role: 'admin',
        resource_scope: 'dev',
        reason: 'x',
        ...input,
      }),
    async close() {
      await core.close();
      if (!opts.shared) await testDb.close();
    },
  };
}

/** One harness for a whole describe block: built in beforeAll, closed in afterAll. */
export function useHarness(driver: Driver, opts: Parameters<typeof makeHarness>[1] = {}): Harness {
  const h = {} as Harness;
  beforeAll(async () => {
    Object.assign(h, await makeHarness(driver, opts));
  });
  afterAll(async () => {
    await h.close?.();
  });
  return h;
}

/** A trusted (tier 3) person's read-only request: auto-approved, so ACTIVE at once unless the grant fails. */
export async function autoGrant(h: Harness, input: Record<string, unknown> = {}) {
  const who = human(uniq('carol'));
  await setTier(h.db, who.identity, 3);
  const r = await h.ask(who, { role: 'ReadOnly', reason: 'r', ...input });
  return { who, r };
}

/** The audit actions recorded for a request, oldest first. */
export async function auditActions(db: Database, requestId: string): Promise<string[]> {
  const rows = await queryAuditRecords(db, { requestId, limit: 1000 });
  return rows.reverse().map((r) => r.action);
}

/** The audit rows for a request, oldest first. */
export async function auditRows(db: Database, requestId: string) {
  return (await queryAuditRecords(db, { requestId, limit: 1000 })).reverse();
}

/** Awaits `p` and returns the AppError it rejected with (fails the test otherwise). */
export async function appError(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError, but the call succeeded');
}

/** Counts rows in the requests table for a requester (proves "nothing was created"). */
export async function countRows(db: Database, requester: string): Promise<number> {
  const [row] = await sqlRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from requests where requester_identity = ${requester}`,
  );
  return Number(row!.n);
}

/** The stored encrypted credentials column of a request (null once wiped). */
export async function storedCredentials(db: Database, id: string): Promise<string | null> {
  const [row] = await sqlRows<{ credentials_enc: string | null }>(
    db,
    sql`select credentials_enc from requests where id = ${id}`,
  );
  return row!.credentials_enc;
}
