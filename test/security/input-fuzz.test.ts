/**
 * Property-based fuzz of every boundary, on every database: each HTTP route the app's own OpenAPI
 * document lists and each MCP tool tools/list returns (real SDK client) gets plausible and hostile
 * values (NUL, unpaired surrogates, bidi, huge strings, odd numbers, extreme dates, forged ids and
 * page tokens, wrong types) in every parameter and field. Invariants: no 5xx and no MCP INTERNAL;
 * a refused call changes nothing (row counts of requests/agents/policies, audit chain head) — a
 * policy denial may only add its audit event, a refused decision its `request.decision_refused`;
 * and no PostgreSQL data exception reaches the error mappers' fallback (the boundary schemas refuse first). FUZZ_RUNS and FUZZ_SEED replay a run.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_EXCEPTION_LOG } from '../../src/core/db/data-error.js';
import { testDatabases } from '../helpers/db.js';
import { errorOf, ok } from '../helpers/mcp-client.js';
import { ALWAYS, hostileValue, type Plausible, plausibleObject, urlPart } from './fuzz-inputs.js';
import { API, createBody, type SecHarness, startSecHarness } from './support.js';

type Json = Record<string, any>;
const RUNS = Number(process.env.FUZZ_RUNS ?? 4);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
// Examples count towards numRuns: RUNS random runs come on top of them.
const params = { numRuns: RUNS + ALWAYS.length, seed: SEED, endOnFailure: true };
/** A hostile value as a name (fast-check's objects may have no prototype, hence no toString). */
const text = (v: unknown) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? 'undefined'));

/** Plausible values by field name, so a call gets as far as the field being fuzzed. */
const plausible =
  (ids: () => Json): Plausible =>
  (name) => {
    const c = fc.constantFrom;
    const byName: Record<string, () => fc.Arbitrary<unknown>> = {
      provider: () => c('mock'),
      role: () => c('ReadOnlyAccess', 'deployer'),
      resource_scope: () => c('dev'),
      scope: () => c('dev'),
      reason: () => c('fuzz run'),
      reasoning: () => c('looked at it'),
      comment: () => c('ok'),
      notes: () => c('note'),
      description: () => c('a policy'),
      duration: () => c('30m', 600),
      duration_seconds: () => c(600),
      email: () => c('fuzz@example.com'),
      groups: () => c(['sre']),
      owner: () => c('alice@example.com'),
      name: () => c('fuzz-victim'),
      rego: () => c('package fuzz\nx := 1'),
      trust_tier: () => fc.integer({ min: 0, max: 4 }),
      requester: () => c('alice@example.com'),
      actor: () => c('alice@example.com'),
      identity: () => c('bob@example.com', 'nobody@example.com'),
      since: () => c('2026-01-01T00:00:00Z'),
      until: () => c('2030-01-01T00:00:00Z'),
      page_size: () => c(5),
      page_token: () => c(undefined),
      ttl_seconds: () => c(60),
      timeout_seconds: () => c(1),
      metadata: () => c({ ticket: 'T-1' }),
      input: () =>
        c({ user: { email: 'alice@example.com', groups: ['sre'] }, request: { role: 'deployer' } }),
      request_id: () => c(...ids().requests),
    };
    return byName[name]?.();
  };

describe.each(testDatabases())('input fuzz on %s', (driver) => {
  let h: SecHarness;
  const tokens: Record<string, string> = {};
  let coderMcp: Client;
  let revMcp: Client;
  let doc: Json;
  let victimAgent: string;
  const ids: Json = { requests: [] as string[], ai: [] as string[], settled: [] as string[] };
  const tally: Record<string, number> = {};
  const count = (k: string) => {
    tally[k] = (tally[k] ?? 0) + 1;
  };
  const snap = async () => {
    const [r] = await h.sql(`select (select count(*) from requests) as requests,
      (select count(*) from agents) as agents, (select count(*) from policies) as policies,
      (select count(*) from audit_events) as audit, (select coalesce(max(id), 0) from audit_events) as audit_max, (select hash from audit_events order by id desc limit 1) as head`);
    return Object.fromEntries(Object.entries(r!).map(([k, v]) => [k, String(v)]));
  };
  /**
   * Unchanged, except for the audit rows a refusal writes on purpose: a policy denial's event, and
   * `request.decision_refused` for a refused approve/deny/escalate (ADR 0047) — nothing else.
   */
  const unchanged = async (before: Json, after: Json, code: string | undefined, label: string) => {
    const { audit: _a, audit_max: _m, head: _h, ...rest } = before;
    const { audit: _b, audit_max: _n, head: _i, ...restAfter } = after;
    expect(restAfter, label).toEqual(rest);
    if (after.head === before.head) return;
    const added = await h.sql(
      `select action from audit_events where id > ${Number(before.audit_max)} order by id`,
    );
    const allowed = code === 'POLICY_DENIED' ? null : ['request.decision_refused'];
    if (allowed) for (const a of added) expect(allowed, `${label}: audit ${a.action}`).toContain(a.action);
  };

  /** Fresh requests to aim at: one PENDING for a person, one PENDING AI review, one ACTIVE each. */
  async function refreshIds() {
    const post = (token: string, body: unknown) => h.call('POST', `${API}/requests`, { token, body });
    const human = await post(tokens.alice!, createBody({ role: 'deployer' }));
    const active = await post(tokens.alice!, createBody());
    const ai = await h.ask(coderMcp, { role: 'deployer', reason: 'deploy' });
    const mine = await h.ask(coderMcp, { role: 'ReadOnlyAccess', reason: 'read' });
    const idOf = (x: any) => x?.request?.id as string | undefined;
    const list = [idOf(human.body), idOf(active.body)];
    if (!ai.isError) ids.ai = [idOf(ok(ai))];
    if (!mine.isError) ids.settled = [idOf(ok(mine))];
    ids.requests = [...list, ...ids.ai, ...ids.settled].filter(Boolean);
  }

  beforeAll(async () => {
    h = await startSecHarness({
      driver,
      config: {
        agents: {
          limits: { max_open_requests: 100_000, max_requests_per_hour: 100_000, max_active_grants: 100_000 },
        },
      },
    });
    tokens.admin = await h.human('root@example.com', ['jitsudo-admins']);
    tokens.alice = await h.human('alice@example.com', ['sre']);
    const ops = await h.human('ops@example.com', ['jitsudo-admins']);
    // The coder and its reviewer have no controller in common, so the reviewer may decide for it.
    const coder = await h.call('POST', `${API}/agents`, {
      token: ops,
      body: { name: 'coder', owner: 'alice@example.com' },
    });
    const rev = await h.call('POST', `${API}/agents`, {
      token: tokens.admin,
      body: { name: 'rev', owner: 'rita@example.com', scopes: ['ai-reviewer'] },
    });
    expect([coder.status, rev.status], coder.text + rev.text).toEqual([201, 201]);
    const tier = await h.call('PUT', `${API}/principals/agent:coder/trust-tier`, {
      token: tokens.admin,
      body: { trust_tier: 3 },
    });
    expect(tier.status, tier.text).toBe(200);
    tokens.coder = coder.body.token;
    coderMcp = await h.mcp(coder.body.token);
    revMcp = await h.mcp(rev.body.token);
    victimAgent = (await h.agent('victim', 'alice@example.com')).id;
    const pol = await h.call('POST', `${API}/policies`, {
      token: tokens.admin,
      body: { name: 'fuzz-victim', rego: 'package fuzz\nx := 1' },
    });
    expect(pol.status, pol.text).toBe(200);
    doc = (await h.call('GET', '/openapi.json')).body;
  }, 120_000);

  afterAll(async () => {
    const fallback = h ? h.logs().split(DATA_EXCEPTION_LOG).length - 1 : -1;
    const line = Object.entries(tally)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, n]) => `${k}: ${n}`)
      .join(', ');
    console.log(
      `input fuzz on ${driver} (seed ${SEED}, ${RUNS} random runs + ${ALWAYS.length} fixed per field): ${line}; data-exception fallback hits: ${fallback}`,
    );
    await h?.close();
  });

  /**
   * One property per field: plausible values everywhere else, a hostile one in `field` (NUL, an
   * unpaired surrogate and year 0000 always among the runs); `run` makes the call and checks it.
   */
  async function eachField<T>(
    fields: string[],
    base: () => fc.Arbitrary<T>,
    run: (value: T, field: string, bad: unknown) => Promise<void>,
    pin: (sample: T) => T = (s) => s,
  ) {
    for (const [i, field] of fields.entries()) {
      const b = base();
      const sample = pin(fc.sample(b, { numRuns: 1, seed: SEED + i })[0]!);
      await fc.assert(
        fc.asyncProperty(b, hostileValue, (v, bad) => run(v, field, bad)),
        { ...params, examples: ALWAYS.map((bad): [T, unknown] => [sample, bad]) },
      );
    }
  }

  it('every HTTP route: no 5xx, a refused call changes nothing', async () => {
    const ops = Object.entries(doc.paths as Json).flatMap(([path, item]) =>
      Object.entries(item as Json).map(([method, op]) => ({
        path,
        method: method.toUpperCase(),
        op: op as Json,
      })),
    );
    expect(ops.length).toBeGreaterThan(20);
    const pl = plausible(() => ids);
    const c = fc.constantFrom;
    const pathValue = (path: string): fc.Arbitrary<unknown> =>
      path.includes('/requests/')
        ? c(...ids.requests)
        : path.includes('/policies/')
          ? c('fuzz-victim')
          : path.includes('/agents/')
            ? c(victimAgent, 'victim')
            : c('bob@example.com', 'nobody@example.com');
    let fields = 0;
    for (const { path, method, op } of ops) {
      if (path.includes('/requests/')) await refreshIds();
      const parameters = (op.parameters ?? []) as Json[];
      const inPath = parameters.filter((p) => p.in === 'path');
      const query = parameters.filter((p) => p.in === 'query');
      const bodySchema = op.requestBody?.content?.['application/json']?.schema as Json | undefined;
      const targets = [
        ...inPath.map((p) => `path.${p.name}`),
        ...query.map((p) => `query.${p.name}`),
        ...(bodySchema ? ['body', ...Object.keys(bodySchema.properties ?? {}).map((k) => `body.${k}`)] : []),
      ];
      if (targets.length === 0) targets.push('query.(unknown)');
      fields += targets.length;
      const base = () =>
        fc.record({
          token: fc.oneof(
            { weight: 5, arbitrary: c('admin') },
            { weight: 2, arbitrary: c('alice', 'coder') },
            { weight: 1, arbitrary: c('none') },
          ),
          path: fc.record(
            Object.fromEntries(inPath.map((p) => [p.name, pathValue(path)])),
          ) as fc.Arbitrary<Json>,
          query: plausibleObject(
            {
              properties: Object.fromEntries(query.map((p) => [p.name, p.schema ?? {}])),
              required: query.filter((p) => p.required).map((p) => p.name),
            },
            pl,
          ),
          body: bodySchema ? (plausibleObject(bodySchema, pl) as fc.Arbitrary<unknown>) : c(undefined),
        });
      await eachField(
        targets,
        base,
        async (a, field, bad) => {
          const [where, name] = field.split(/\.(.*)/s) as ['path' | 'query' | 'body', string | undefined];
          const v: Json = { path: { ...a.path }, query: { ...a.query }, body: a.body };
          if (where === 'body' && name === undefined) v.body = bad;
          else if (where === 'body') v.body = { ...(v.body as Json), [name!]: bad };
          else v[where][name === '(unknown)' ? text(bad) : name!] = bad;
          const url =
            path.replace(/\{(\w+)\}/g, (_, n: string) => urlPart(v.path[n])) +
            Object.entries(v.query as Json)
              .filter(([, x]) => x !== undefined)
              .map(([k, x], i) => `${i ? '&' : '?'}${urlPart(k)}=${urlPart(x)}`)
              .join('');
          const label = `${a.token}: ${method} ${url.slice(0, 200)} body ${JSON.stringify(v.body)?.slice(0, 200)}`;
          const before = await snap();
          const r = await h.call(method, url, {
            ...(a.token !== 'none' ? { token: tokens[a.token] } : {}),
            ...(v.body !== undefined ? { raw: JSON.stringify(v.body) } : {}),
          });
          count(`http ${r.status}`);
          expect(r.status, `${label} → ${r.text.slice(0, 300)}`).toBeLessThan(500);
          if (r.status >= 400) await unchanged(before, await snap(), r.body?.error?.code, label);
        },
        // The fixed hostile values go in as admin, who gets furthest.
        (s) => ({ ...s, token: 'admin' as const }),
      );
    }
    console.log(`input fuzz on ${driver}: ${ops.length} HTTP operations, ${fields} fields`);
  }, 600_000);

  it('every MCP tool: no INTERNAL, a refused call changes nothing', async () => {
    const clients: [string, Client][] = [
      ['coder', coderMcp],
      ['rev', revMcp],
    ];
    let tools = 0;
    let fields = 0;
    for (const [who, client] of clients) {
      for (const tool of (await client.listTools()).tools) {
        tools++;
        const props = Object.keys(tool.inputSchema.properties ?? {});
        if (props.includes('request_id')) await refreshIds();
        // wait_for_request on a PENDING id would wait out its timeout: aim it at settled ones only.
        const pool = () =>
          tool.name === 'wait_for_request'
            ? { requests: ids.settled }
            : who === 'rev'
              ? { requests: ids.ai }
              : ids;
        const targets = [...props, '(unknown)'];
        fields += targets.length;
        await eachField(
          targets,
          () => plausibleObject(tool.inputSchema, plausible(pool)),
          async (base, field, bad) => {
            const a = { ...base, [field === '(unknown)' ? text(bad).slice(0, 100) : field]: bad };
            const label = `${who} ${tool.name} ${JSON.stringify(a).slice(0, 300)}`;
            const before = await snap();
            const r = await h.tool(client, tool.name, a);
            const code = r.isError ? errorOf(r).code : 'ok';
            count(`mcp ${code}`);
            expect(code, label).not.toBe('INTERNAL');
            if (r.isError) await unchanged(before, await snap(), code, label);
          },
        );
      }
    }
    expect(tools).toBeGreaterThanOrEqual(13);
    console.log(`input fuzz on ${driver}: ${tools} MCP tools, ${fields} fields`);
    expect(h.logs().split(DATA_EXCEPTION_LOG).length - 1, 'class-22 errors that reached a mapper').toBe(0);
  }, 600_000);
});
