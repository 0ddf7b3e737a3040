/**
 * A failing SQL statement is logged by SQLSTATE and statement only: the parameters (reasons,
 * metadata, policy source, AI reasoning) never reach the log. The logger is the server's own
 * (createLogger, with its redaction) writing into a capture stream; the statement fails for real
 * in the database (a CHECK constraint added by the test), on every surface that logs failures.
 */
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loggableError, statementName } from '../../src/core/db/loggable-error.js';
import { createLogger } from '../../src/server/logger.js';
import { type Stack, startStack } from '../helpers/app-stack.js';
import { testDatabases } from '../helpers/db.js';
import { callApp } from '../helpers/http-call.js';
import { connectMcp, requestAccess, textOf } from '../helpers/mcp-client.js';

const SECRET = 'hunter2-SECRET-PARAM';

/** Every log line the logger wrote, as text. */
function captureLog() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { log: createLogger('info', stream), lines };
}

describe.each(testDatabases())('SQL failures in the log on %s', (driver) => {
  let s: Stack;
  let alice: string;
  const captured = captureLog();
  beforeAll(async () => {
    s = await startStack(driver, { log: captured.log, mcp: {} });
    alice = await s.humanToken('alice@example.com', ['sre']);
    // A real statement failure on the insert of a request whose reason holds the secret.
    await s.rows(`alter table requests add constraint no_secret check (reason not like '%${SECRET}%')`);
  });
  afterAll(() => s?.close());

  it('HTTP: the 500 is logged with SQLSTATE 23514 and the statement, never a parameter', async () => {
    captured.lines.length = 0;
    const r = await callApp(s.app, 'POST', '/api/v1alpha1/requests', {
      token: alice,
      body: {
        provider: 'mock',
        role: 'ReadOnly',
        resource_scope: 'dev',
        duration: '30m',
        reason: `needs ${SECRET}`,
        metadata: { ticket: `${SECRET}-meta` },
      },
    });
    expect(r.status).toBe(500);
    expect(r.text).not.toContain(SECRET);
    const failure = captured.lines.find((l) => l.includes('23514'));
    expect(failure, captured.lines.join('\n')).toBeDefined();
    expect(JSON.parse(failure!).err).toMatchObject({ sqlstate: '23514', statement: 'insert requests' });
    expect(captured.lines.join('\n')).not.toContain(SECRET);
  });

  it('MCP: request_access failing in the database is logged the same way', async () => {
    captured.lines.length = 0;
    const client = await connectMcp(s.app, alice);
    try {
      const r = await requestAccess(client, { role: 'ReadOnly', reason: `mcp ${SECRET}` });
      expect(r.isError).toBe(true);
      expect(textOf(r)).not.toContain(SECRET);
    } finally {
      await client.close();
    }
    const failure = captured.lines.find((l) => l.includes('23514'));
    expect(failure, captured.lines.join('\n')).toBeDefined();
    expect(JSON.parse(failure!).err).toMatchObject({ sqlstate: '23514', statement: 'insert requests' });
    expect(captured.lines.join('\n')).not.toContain(SECRET);
  });

  it('an Error logged as err: a value PostgreSQL quotes in its message (22P02) stays out, the SQLSTATE is in', async () => {
    captured.lines.length = 0;
    const e = await s.db.db.execute(sql`select ${SECRET}::uuid as u`).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(Error);
    captured.log.error({ err: e }, 'query failed');
    captured.log.error({ error: e }, 'query failed');
    captured.log.warn({ params: [SECRET], details: { parameters: [SECRET] } }, 'bound values');
    expect(captured.lines).toHaveLength(3);
    expect(JSON.parse(captured.lines[0]!).err).toMatchObject({ sqlstate: '22P02', statement: 'select' });
    expect(captured.lines.join('\n')).not.toContain(SECRET);
  });
});

describe('loggableError', () => {
  it('names a statement by operation and first table, identifiers only', () => {
    expect(statementName('insert into "requests" ("id") values ($1)')).toBe('insert requests');
    expect(statementName('update "agents" set "last_used_at" = $1 where "id" = $2')).toBe('update agents');
    expect(statementName('select "id" from "public"."audit_events" where x = $1')).toBe(
      'select public.audit_events',
    );
    expect(statementName('begin')).toBe('begin');
  });

  it('keeps the message and stack of an error that is not a database error', () => {
    const e = new Error('provider timed out');
    expect(loggableError(e)).toMatchObject({ name: 'Error', message: 'provider timed out' });
    expect(loggableError('x')).toEqual({ message: 'x' });
  });
});
