/** extend_request over the real /mcp endpoint with the real SDK client (ADR 0045). */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/db.js';
import { errorOf, ok } from '../helpers/mcp-client.js';
import { SECRET_PATTERN } from '../helpers/mock-secrets.js';
import { type McpHarness, startMcpHarness } from './support/harness.js';

describe.each(testDatabases())('MCP extend_request on %s', (driver) => {
  let h: McpHarness;
  let bob: Client;
  let bot: Client;
  beforeAll(async () => {
    h = await startMcpHarness(driver, { config: { requests: { max_total_duration_seconds: 5400 } } });
    await h.setTier('bob@example.com', 3);
    bob = await h.client(await h.human('bob@example.com'));
    bot = await h.client((await h.agent('coder', 'alice@example.com')).token);
  });
  afterAll(() => h?.close());

  it('is listed with its annotations; an auto-approved extension moves the expiry at once', async () => {
    const tool = (await bob.listTools()).tools.find((t) => t.name === 'extend_request')!;
    expect(tool.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: false,
      openWorldHint: true,
    });
    expect(tool.inputSchema.required).toEqual(expect.arrayContaining(['request_id', 'duration', 'reason']));

    const r = ok(await h.ask(bob, { role: 'ReadOnlyAccess', duration: '30m', reason: 'read the logs' }));
    expect(r.request.state).toBe('ACTIVE');
    const ext = await h.call(bob, 'extend_request', {
      request_id: r.request.id,
      duration: '30m',
      reason: 'the logs are long',
    });
    const out = ok(ext);
    expect(out.request).toMatchObject({ state: 'APPLIED', extends_request_id: r.request.id });
    expect(out.next_step).toMatch(/applied.*ACTIVE until/);
    expect(JSON.stringify(ext)).not.toMatch(SECRET_PATTERN);
    const parent = ok(await h.call(bob, 'get_request', { request_id: r.request.id }));
    expect(Date.parse(parent.request.expires_at) - Date.parse(r.request.expires_at)).toBe(30 * 60_000);
  });

  it('the ceiling, bad input and someone else’s grant are refused with an actionable error', async () => {
    const r = ok(await h.ask(bob, { role: 'ReadOnlyAccess', duration: '1h', reason: 'read the logs' }));
    const before = await h.counts();
    const over = errorOf(
      await h.call(bob, 'extend_request', { request_id: r.request.id, duration: '1h', reason: 'more' }),
    );
    expect(over.code).toBe('VALIDATION');
    expect(over.message).toMatch(/ceiling is 1h30m.*at most 30m more can be added/);
    const bad = errorOf(
      await h.call(bob, 'extend_request', { request_id: r.request.id, duration: 'a while', reason: 'more' }),
    );
    expect(bad.code).toBe('VALIDATION');
    const theirs = errorOf(
      await h.call(bot, 'extend_request', { request_id: r.request.id, duration: '5m', reason: 'mine now' }),
    );
    expect(theirs.code).toBe('NOT_FOUND');
    expect(await h.counts()).toEqual(before);
  });
});
