/**
 * `npm run bench:mcp` — what MCP adds to creating a request. One jitsudo (createJitsudo) served by
 * @hono/node-server on 127.0.0.1, mock provider, the default policies, a trust-tier-3 human so a
 * read-only role is approved (and granted) at once. Per iteration, in shuffled order:
 *
 *   floor    GET /healthz                                   (HTTP round trip, no work)
 *   http     POST /api/v1alpha1/requests                    (the HTTP API)
 *   mcp-raw  POST /mcp tools/call request_access via fetch  (MCP on the server, same HTTP client)
 *   mcp-sdk  the SDK Client's callTool over Streamable HTTP (what an agent pays, client included)
 *
 * Goal: MCP adds ≤ 2 ms p50 over the HTTP call. PGlite always; PostgreSQL too when
 * TEST_DATABASE_URL or DATABASE_URL is set (a scratch database, dropped afterwards).
 * BENCH_N (default 300) measured iterations after BENCH_WARMUP (default 50).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { serve } from '@hono/node-server';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import pino from 'pino';
import postgres from 'postgres';
import {
  createJitsudo,
  type Database,
  type Driver,
  MockProvider,
  openPostgres,
  wrapPglite,
} from '../src/index.js';

const N = Number(process.env.BENCH_N ?? 300);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 50);
const GOAL_MS = 2;
const USER = 'bench@example.com';
const BODY = {
  provider: 'mock',
  role: 'viewer',
  resource_scope: 'sandbox',
  duration: '15m',
  reason: 'bench',
};
const ARGS = { provider: 'mock', role: 'viewer', scope: 'sandbox', duration: '15m', reason: 'bench' };

type Kind = 'floor' | 'http' | 'mcp-raw' | 'mcp-sdk';

interface Opened {
  db: Database;
  driver: Driver;
  close(): Promise<void>;
}

async function openPglite(): Promise<Opened> {
  // createJitsudo migrates a database it is given.
  const o = await wrapPglite(new PGlite(), undefined);
  return { db: o.db, driver: 'pglite', close: () => o.close() };
}

async function openScratchPostgres(admin: string): Promise<Opened> {
  const name = `jitsudo_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const root = postgres(admin, { max: 1, onnotice: () => {} });
  await root.unsafe(`create database ${name}`);
  await root.end();
  const u = new URL(admin);
  u.pathname = `/${name}`;
  const o = openPostgres(u.toString(), 10);
  return {
    db: o.db,
    driver: 'postgres',
    async close() {
      await o.close();
      const r = postgres(admin, { max: 1, onnotice: () => {} });
      await r.unsafe(`drop database if exists ${name} with (force)`);
      await r.end();
    },
  };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const f = (ms: number) => ms.toFixed(2).padStart(7);

async function run(opened: Opened): Promise<{ p50: Record<Kind, number>; ok: boolean }> {
  const home = mkdtempSync(join(tmpdir(), 'jitsudo-bench-'));
  const j = await createJitsudo({
    config: { home, log: { level: 'silent' }, sweeper: { enabled: false } },
    database: opened,
    providers: [new MockProvider()],
    log: pino({ level: 'silent' }),
    startSweeper: false,
  });
  await opened.db.execute(
    `insert into principals (identity, kind, trust_tier) values ('${USER}', 'human', 3) on conflict (identity) do update set trust_tier = 3`,
  );
  const server = await new Promise<ReturnType<typeof serve>>((res) => {
    const s = serve({ fetch: j.app.fetch, hostname: '127.0.0.1', port: 0 }, () => res(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const token = (
    (await (
      await fetch(`${base}/api/v1alpha1/auth/dev-token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: USER }),
      })
    ).json()) as { token: string }
  ).token;
  const auth = { authorization: `Bearer ${token}` };
  const sdk = new Client({ name: 'bench', version: '1' });
  await sdk.connect(
    new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: auth } }),
  );
  await sdk.listTools(); // the SDK validates structured output once it knows the schemas: pay that too

  let rpcId = 0;
  const calls: Record<Kind, () => Promise<void>> = {
    floor: async () => {
      const r = await fetch(`${base}/healthz`);
      await r.arrayBuffer();
    },
    http: async () => {
      const r = await fetch(`${base}/api/v1alpha1/requests`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify(BODY),
      });
      const b = (await r.json()) as { request?: { state: string } };
      if (r.status !== 201 || b.request?.state !== 'ACTIVE')
        throw new Error(`http: ${r.status} ${JSON.stringify(b)}`);
    },
    'mcp-raw': async () => {
      const r = await fetch(`${base}/mcp`, {
        method: 'POST',
        headers: {
          ...auth,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-protocol-version': '2025-06-18',
        },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: ++rpcId,
          method: 'tools/call',
          params: { name: 'request_access', arguments: ARGS },
        }),
      });
      const b = (await r.json()) as { result?: { isError?: boolean; structuredContent?: any } };
      if (b.result?.isError || b.result?.structuredContent?.request?.state !== 'ACTIVE')
        throw new Error(`mcp-raw: ${JSON.stringify(b).slice(0, 300)}`);
    },
    'mcp-sdk': async () => {
      const r = await sdk.callTool({ name: 'request_access', arguments: ARGS });
      if (r.isError || (r.structuredContent as any)?.request?.state !== 'ACTIVE')
        throw new Error(`mcp-sdk: ${JSON.stringify(r).slice(0, 300)}`);
    },
  };
  const kinds = Object.keys(calls) as Kind[];
  const samples: Record<Kind, number[]> = { floor: [], http: [], 'mcp-raw': [], 'mcp-sdk': [] };
  for (let i = 0; i < WARMUP + N; i++) {
    // Shuffled per round: no kind always runs right after another (or on a fuller table).
    const order = [...kinds].sort(() => Math.random() - 0.5);
    for (const k of order) {
      const t = performance.now();
      await calls[k]();
      if (i >= WARMUP) samples[k].push(performance.now() - t);
    }
  }
  await sdk.close();
  await new Promise<void>((res) => server.close(() => res()));
  await j.close();
  rmSync(home, { recursive: true, force: true });

  const p50 = Object.fromEntries(kinds.map((k) => [k, pct(samples[k], 50)])) as Record<Kind, number>;
  console.log(`\n${opened.driver}: ${N} measured iterations per kind (after ${WARMUP} warm-up), ms`);
  console.log('kind        p50     p90     p99    mean');
  for (const k of kinds) {
    const s = samples[k];
    const mean = s.reduce((a, b) => a + b, 0) / s.length;
    console.log(`${k.padEnd(8)} ${f(p50[k])} ${f(pct(s, 90))} ${f(pct(s, 99))} ${f(mean)}`);
  }
  const addRaw = p50['mcp-raw'] - p50.http;
  const addSdk = p50['mcp-sdk'] - p50.http;
  console.log(
    `http / floor p50 ratio ${(p50.http / p50.floor).toFixed(2)}; ` +
      `mcp-raw / http ${(p50['mcp-raw'] / p50.http).toFixed(2)} (adds ${addRaw.toFixed(2)} ms); ` +
      `mcp-sdk / http ${(p50['mcp-sdk'] / p50.http).toFixed(2)} (adds ${addSdk.toFixed(2)} ms)`,
  );
  // Same-iteration pairs cancel slow phases of the machine that hit both kinds alike.
  const paired = (k: Kind) =>
    pct(
      samples[k].map((v, i) => v - samples.http[i]!),
      50,
    );
  console.log(
    `paired per-iteration difference, median: mcp-raw − http ${paired('mcp-raw').toFixed(2)} ms; ` +
      `mcp-sdk − http ${paired('mcp-sdk').toFixed(2)} ms`,
  );
  const ok = addRaw <= GOAL_MS;
  console.log(`goal: MCP (server side, mcp-raw) adds ≤ ${GOAL_MS} ms p50 → ${ok ? 'MET' : 'NOT MET'}`);
  return { p50, ok };
}

const pgUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
console.log(`bench:mcp — request_access over MCP vs POST /requests (node ${process.version})`);
const targets: (() => Promise<Opened>)[] = [openPglite];
if (pgUrl) targets.push(() => openScratchPostgres(pgUrl));
else console.log('(PostgreSQL skipped: set TEST_DATABASE_URL or DATABASE_URL)');
let allOk = true;
for (const open of targets) {
  const opened = await open();
  try {
    allOk = (await run(opened)).ok && allOk;
  } finally {
    await opened.close();
  }
}
process.exitCode = allOk ? 0 : 1;
