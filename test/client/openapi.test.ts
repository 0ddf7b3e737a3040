/**
 * The typed client checked against the server's own /openapi.json: every client method sends a
 * method + path the document has, and every JSON answer the client receives in a realistic
 * session validates against the document's response schema for that operation and status.
 */
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { createJitsudo, type Jitsudo, MockProvider } from 'jitsudo';
import { createClient } from 'jitsudo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.js';

type Json = Record<string, any>;
interface Operation {
  method: string;
  template: string;
  re: RegExp;
  responses: Json;
}

let db: TestDb;
let j: Jitsudo;
let doc: Json;
let ops: Operation[];
const BASE = 'http://localhost';

/** Inlines every local $ref (the document's schemas are not recursive). */
function deref(node: unknown, depth = 0): unknown {
  if (depth > 50) throw new Error('recursive $ref');
  if (Array.isArray(node)) return node.map((n) => deref(n, depth + 1));
  if (!node || typeof node !== 'object') return node;
  const ref = (node as Json).$ref as string | undefined;
  if (ref) {
    const target = ref
      .slice(2)
      .split('/')
      .reduce((o: Json, k) => o[k], doc);
    return deref(target, depth + 1);
  }
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, deref(v, depth + 1)]));
}

function operationFor(method: string, url: string): Operation | undefined {
  const path = new URL(url).pathname;
  return ops.find((o) => o.method === method.toLowerCase() && o.re.test(path));
}

beforeAll(async () => {
  db = await createTestDb('pglite');
  j = await createJitsudo({
    config: {
      home: '/nonexistent-jitsudo-home',
      log: { level: 'silent' },
      encryption: { key: 'b'.repeat(64) },
    },
    database: db,
    providers: [new MockProvider()],
    startSweeper: false,
  });
  doc = (await (await j.app.request('/openapi.json')).json()) as Json;
  ops = Object.entries(doc.paths as Json).flatMap(([template, item]) =>
    Object.entries(item as Json).map(([method, op]) => ({
      method,
      template,
      // `{id}` matches one segment; `:verb` suffixes stay literal.
      re: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
      responses: (op as Json).responses ?? {},
    })),
  );
});
afterAll(async () => {
  await j?.close();
  await db?.close();
});

describe('typed client vs /openapi.json', () => {
  it('every client method calls an operation the document declares', async () => {
    const seen: string[] = [];
    const recorder = createClient({
      server: BASE,
      token: 't',
      fetch: async (url, init) => {
        seen.push(`${init.method} ${new URL(url).pathname}`);
        return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
      },
    });
    const methods = Object.entries(recorder).filter(([, v]) => typeof v === 'function') as [
      string,
      (...a: unknown[]) => Promise<unknown>,
    ][];
    expect(methods.length).toBeGreaterThan(15);
    const missing: string[] = [];
    for (const [name, fn] of methods) {
      const before = seen.length;
      await fn('req_01J9Z7X3R4T5V6W7X8Y9Z0ABCD', { reason: 'x' }).catch(() => {});
      expect(seen.length, `${name} made no HTTP call`).toBe(before + 1);
      const [method, path] = seen.at(-1)!.split(' ') as [string, string];
      if (!operationFor(method, BASE + path)) missing.push(`${name}: ${method} ${path}`);
    }
    expect(missing).toEqual([]);
  });

  it('answers in a realistic session validate against the documented response schemas', async () => {
    const validator = new AjvJsonSchemaValidator();
    const checked = new Set<string>();
    const problems: string[] = [];
    const checkingFetch = async (url: string, init: RequestInit) => {
      const res = await j.app.request(url, init);
      const op = operationFor(init.method ?? 'GET', url);
      const type = res.headers.get('content-type') ?? '';
      if (!op) problems.push(`undocumented: ${init.method} ${url}`);
      else if (type.includes('application/json')) {
        const spec = op.responses[String(res.status)] ?? op.responses.default;
        const schema = spec?.content?.['application/json']?.schema;
        if (!schema) problems.push(`${init.method} ${op.template}: status ${res.status} not documented`);
        else {
          const body = await res.clone().json();
          const v = validator.getValidator(deref(schema) as never)(body);
          if (!v.valid) problems.push(`${init.method} ${op.template} ${res.status}: ${v.errorMessage}`);
          checked.add(`${op.method.toUpperCase()} ${op.template} ${res.status}`);
        }
      }
      return res;
    };
    const anon = createClient({ server: BASE, fetch: checkingFetch });
    const tok = async (email: string, groups: string[] = []) =>
      (await anon.issueDevToken({ email, groups })).token;
    const alice = createClient({
      server: BASE,
      token: await tok('alice@example.com', ['sre']),
      fetch: checkingFetch,
    });
    const bob = createClient({
      server: BASE,
      token: await tok('bob@example.com', ['sre', 'sre-leads']),
      fetch: checkingFetch,
    });
    const admin = createClient({
      server: BASE,
      token: await tok('root@example.com', ['jitsudo-admins']),
      fetch: checkingFetch,
    });

    await alice.whoami();
    await anon.version();
    await anon.healthz();
    await anon.readyz();
    const r1 = await alice.createRequest({
      provider: 'mock',
      role: 'admin',
      resource_scope: 'sandbox',
      reason: 'schema check',
      duration: '30m',
    });
    await alice.getRequest(r1.id);
    await alice.listRequests({ mine: true });
    await bob.listRequests({ pending: true });
    await bob.approveRequest(r1.id, { comment: 'ok' });
    await alice.getCredentials(r1.id);
    await alice.revokeRequest(r1.id, { reason: 'done' });
    const r2 = await alice.createRequest({
      provider: 'mock',
      role: 'admin',
      resource_scope: 'sandbox',
      reason: 'to deny',
    });
    await bob.denyRequest(r2.id, { reason: 'no' });
    const r3 = await alice.createRequest({
      provider: 'mock',
      role: 'admin',
      resource_scope: 'sandbox',
      reason: 'to cancel',
    });
    await alice.cancelRequest(r3.id, {});
    const made = await alice.createAgent({ name: 'schema-bot' });
    const bot = createClient({ server: BASE, token: made.token, fetch: checkingFetch });
    await bot.whoami();
    await bot.listEligibleAccess({ provider: 'mock' });
    await alice.listAgents({});
    await alice.revokeAgent('schema-bot', { reason: 'done' });
    // Error envelopes are documented responses too.
    await alice.getRequest('req_01J9Z7X3R4T5V6W7X8Y9Z0ABCD').catch(() => {});
    await bob.getCredentials(r1.id).catch(() => {});
    // Operations whose core verbs may not be bound yet answer with a documented error envelope.
    await admin.listPolicies().catch(() => {});
    await admin.queryAudit({}).catch(() => {});
    await admin.verifyAudit().catch(() => {});
    await admin.outboxStatus().catch(() => {});
    await admin.getPrincipal('alice@example.com').catch(() => {});
    await admin.setTrustTier('alice@example.com', { trust_tier: 3 }).catch(() => {});
    await admin
      .evalPolicy({
        kind: 'eligibility',
        input: { user: { email: 'a@b.c', groups: [] }, request: {} },
      } as never)
      .catch(() => {});

    expect(problems).toEqual([]);
    // …and the checker itself rejects a body that does not fit (so an empty problem list means something).
    const create = operationFor('POST', `${BASE}/api/v1alpha1/requests`)!;
    const schema = deref(create.responses['201'].content['application/json'].schema);
    expect(validator.getValidator(schema as never)({ request: { id: 42 } }).valid).toBe(false);
    // The session really exercised the document, errors included.
    expect(checked.size).toBeGreaterThanOrEqual(15);
    expect([...checked].some((c) => / 404$/.test(c))).toBe(true);
  });
});
