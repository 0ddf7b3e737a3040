/**
 * The postgres provider judges a role by every role it reaches through memberships (ADR 0032), on
 * the real server: a role that is, through others, a member of a superuser role or of a dangerous
 * predefined role is refused at creation (inspect) and at grant, and inspect tells the approver
 * what a plain role really reaches.
 */
import { randomBytes } from 'node:crypto';
import postgres, { type Sql } from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/core/errors.js';
import { ProviderError } from '../../src/core/providers/types.js';
import type { PostgresProvider } from '../../src/providers/postgres/index.js';
import { DB, PG_URL, pgProvider, pgRequest, READER, setupScratch } from './support/postgres.js';

const tag = `jt_reach_${randomBytes(3).toString('hex')}`;
const APP = `${tag}_app`; // app > mid > su (SUPERUSER)
const MID = `${tag}_mid`;
const SU = `${tag}_su`;
const FILES = `${tag}_files`; // files > pg_read_server_files
const MON = `${tag}_mon`; // mon > pg_monitor (> pg_read_all_settings, pg_read_all_stats, …)
const LEAF = `${tag}_leaf`; // leaf > jt_reader

describe.skipIf(!PG_URL)('postgres: what a role reaches (needs TEST_DATABASE_URL)', () => {
  let admin: Sql;
  const providers: PostgresProvider[] = [];
  const provider = (extra: Record<string, unknown> = {}) => {
    const p = pgProvider(extra);
    providers.push(p);
    return p;
  };
  const tempRoleExists = async (requestId: string) =>
    (await admin`select 1 from pg_roles where rolname = ${`jitsudo_${requestId.toLowerCase()}`}`).length > 0;

  beforeAll(async () => {
    await setupScratch();
    admin = postgres(PG_URL!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create role ${SU} nologin superuser;
      create role ${MID} nologin in role ${SU};
      create role ${APP} nologin in role ${MID};
      create role ${FILES} nologin in role pg_read_server_files;
      create role ${MON} nologin in role pg_monitor;
      create role ${LEAF} nologin in role ${READER};`);
  });
  afterAll(async () => {
    await Promise.all(providers.map((p) => p.close()));
    for (const r of [APP, MID, SU, FILES, MON, LEAF]) await admin.unsafe(`drop role if exists ${r}`);
    await admin.end();
  });

  it('refuses at grant a role that is a member of a superuser role through another role; nothing is created', async () => {
    const req = pgRequest({ role: APP });
    const e = await provider()
      .grant(req)
      .catch((x) => x);
    expect(e).toBeInstanceOf(ProviderError);
    expect(e.retryable).toBe(false);
    expect(e.message).toContain(`reaches ${SU} (${APP} > ${MID} > ${SU}), which has SUPERUSER`);
    expect(await tempRoleExists(req.requestId)).toBe(false);
    const asMember = await provider({ mode: 'grant_role' })
      .grant(pgRequest({ role: APP }))
      .catch((x) => x);
    expect(asMember.message).toMatch(/SUPERUSER/);
  });

  it('refuses at creation (inspect) with a 4xx naming the path, before anything is recorded', async () => {
    const e = await provider().inspect!(pgRequest({ role: APP })).catch((x) => x);
    expect(e).toBeInstanceOf(AppError);
    expect(e.code).toBe('VALIDATION');
    expect(e.details).toMatchObject({ role: APP, reaches: SU, via: `${APP} > ${MID} > ${SU}` });
  });

  it('refuses a role reaching a dangerous predefined role even when allowed_roles lists both', async () => {
    const p = provider({ allowed_roles: [FILES, 'pg_read_server_files'] });
    const req = pgRequest({ role: FILES });
    const e = await p.inspect!(req).catch((x) => x);
    expect(e.code).toBe('VALIDATION');
    expect(e.message).toMatch(/pg_read_server_files .*never grants/);
    expect((await p.grant(req).catch((x) => x)).message).toMatch(/pg_read_server_files/);
    expect(await tempRoleExists(req.requestId)).toBe(false);
    expect(() => p.validate(pgRequest({ role: 'pg_read_server_files' }))).toThrow(/never granted/);
  });

  it('a predefined role reached through another must be listed in allowed_roles, and then covers its members', async () => {
    const refused = await provider().inspect!(pgRequest({ role: MON })).catch((x) => x);
    expect(refused.message).toMatch(/pg_monitor .*not listed in providers\.postgres\.allowed_roles/);
    const p = provider({ allowed_roles: [MON, 'pg_monitor'] });
    const seen = await p.inspect!(pgRequest({ role: MON }));
    expect(seen.reaches).toEqual(expect.arrayContaining(['pg_monitor', 'pg_read_all_stats']));
    expect((seen.via as Record<string, string>).pg_read_all_stats).toBe(
      `${MON} > pg_monitor > pg_read_all_stats`,
    );
  });

  it('tells the approver what a plain role reaches, and refuses a grant that would give more than that', async () => {
    const p = provider();
    const req = pgRequest({ role: LEAF });
    const seen = await p.inspect!(req);
    expect(seen).toEqual({
      database: DB,
      role: LEAF,
      reaches: [READER],
      via: { [READER]: `${LEAF} > ${READER}` },
    });
    // The approver saw nothing above the role; a membership added since must not slip through.
    const stale = { ...req, target: { ...seen, reaches: [] } };
    const e = await p.grant(stale).catch((x) => x);
    expect(e.message).toMatch(new RegExp(`now also reaches ${READER}, which the approver was not shown`));
    expect(await tempRoleExists(req.requestId)).toBe(false);
    const g = await p.grant({ ...req, target: seen });
    await p.revoke({ request: req, handle: g.handle, expiresAt: g.expiresAt });
  });
});
