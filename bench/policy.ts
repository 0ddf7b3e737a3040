/**
 * `npm run bench:policy` — per-decision latency of the policy engines.
 *
 * 1. our interpreter on a realistic jitsudo policy set (bench/fixtures/policy), varied inputs;
 * 2. the OPA-compiled wasm sample (opa-webassembly-ts) on its recorded inputs — the floor;
 * 3. our interpreter on that same sample's Rego source and inputs; ratio interpreter / wasm.
 * Goal: p50 ≤ 20 µs per decision.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRegoPolicySet } from '../src/core/policy/engine-rego.js';
import { loadWasmPolicySet } from '../src/core/policy/engine-wasm.js';
import type { PolicyInput, PolicySource } from '../src/core/policy/types.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const FIXTURE = join(HERE, 'fixtures', 'policy');
const SAMPLE = join(HERE, '..', '..', 'shared', 'opa-wasm-samples', 'opa-webassembly-ts');
const GOAL_P50_US = 20;

/** Deterministic PRNG (mulberry32) so every run measures the same inputs. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function inputs(n: number): PolicyInput[] {
  const r = rng(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const groups = ['platform', 'data', 'payments', 'security', 'sre', 'eng-managers', 'interns'];
  const roles = [
    'ReadOnlyAccess',
    'PlatformAdmin',
    'AdministratorAccess',
    'bq-admin',
    'SecurityAudit',
    'k8s-edit',
    'Unknown',
  ];
  const emails = ['alice@example.com', 'bob@example.com', 'carol@example.com', 'oncall-1@example.com'];
  const days = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
  return Array.from({ length: n }, () => {
    const agent = r() < 0.25;
    const hour = Math.floor(r() * 24);
    const email = pick(emails);
    return {
      user: {
        email,
        subject: `sub-${email}`,
        groups: groups.filter(() => r() < 0.3),
        kind: agent ? 'agent' : 'human',
        ...(agent && r() < 0.8 ? { agent: { name: 'bot', owner: 'bob@example.com' } } : {}),
      },
      request: {
        provider: pick(['aws', 'gcp', 'azure', 'azure-legacy', 'kubernetes']),
        role: pick(roles),
        resource_scope: '123456789012',
        duration_seconds: pick([900, 3600, 7200, 14400, 43200]),
        reason: 'INC-1234',
        break_glass: r() < 0.1,
        metadata: { ticket: 'INC-1234' },
      },
      context: {
        trust_tier: Math.floor(r() * 5),
        ...(r() < 0.5
          ? { requester: { email: pick(emails), groups: ['platform'], kind: agent ? 'agent' : 'human' } }
          : {}),
        time: {
          rfc3339: `2026-01-05T${String(hour).padStart(2, '0')}:00:00Z`,
          unix_ns: '1767571200000000000',
          weekday: pick(days),
          hour_utc: hour,
        },
      },
    } satisfies PolicyInput;
  });
}

interface Stats {
  p50: number;
  p99: number;
  n: number;
}

/** Times each call individually (ns), after a warm-up; returns µs percentiles. */
function measure<T>(items: readonly T[], fn: (x: T) => unknown, rounds: number, warmup: number): Stats {
  for (let w = 0; w < warmup; w++) for (const x of items) fn(x);
  const samples: number[] = [];
  for (let k = 0; k < rounds; k++) {
    for (const x of items) {
      const t0 = process.hrtime.bigint();
      fn(x);
      samples.push(Number(process.hrtime.bigint() - t0));
    }
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]! / 1000;
  return { p50: at(0.5), p99: at(0.99), n: samples.length };
}

function timeMs(fn: () => unknown, times: number): number {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return ms.sort((a, b) => a - b)[Math.floor(times / 2)]!;
}

const fmt = (s: Stats) =>
  `p50 ${s.p50.toFixed(2).padStart(8)} µs   p99 ${s.p99.toFixed(2).padStart(8)} µs   (n=${s.n})`;

const fixtureSources: PolicySource[] = readdirSync(FIXTURE)
  .filter((f) => f.endsWith('.rego'))
  .sort()
  .map((f) => ({ name: f, rego: readFileSync(join(FIXTURE, f), 'utf8') }));
const fixtureData = JSON.parse(readFileSync(join(FIXTURE, 'data.json'), 'utf8'));
const sampleRego = readFileSync(join(SAMPLE, 'example.rego'), 'utf8');
const sampleData = JSON.parse(readFileSync(join(SAMPLE, 'data.json'), 'utf8'));
const sampleInputs = (
  JSON.parse(readFileSync(join(SAMPLE, 'cases.json'), 'utf8')).cases as { input: unknown }[]
).map((c) => c.input);

const fixtureCompileMs = timeMs(() => loadRegoPolicySet(fixtureSources, { data: fixtureData }), 20);
const fixture = loadRegoPolicySet(fixtureSources, { data: fixtureData });
const sampleCompileMs = timeMs(
  () =>
    loadRegoPolicySet([{ name: 'example.rego', rego: sampleRego, regoVersion: 'v0' }], { data: sampleData }),
  20,
);
const ours = loadRegoPolicySet([{ name: 'example.rego', rego: sampleRego, regoVersion: 'v0' }], {
  data: sampleData,
});
const wasmLoadStart = process.hrtime.bigint();
const wasm = await loadWasmPolicySet(join(SAMPLE, 'policy.wasm'), { data: sampleData });
const wasmLoadMs = Number(process.hrtime.bigint() - wasmLoadStart) / 1e6;

const varied = inputs(500);
const nowNs = 1_767_571_200_000_000_000n;
const path = ['example', 'allow'];
// Agreement first: a fast wrong answer is worth nothing.
for (const input of sampleInputs)
  if (JSON.stringify(ours.document(path, input)?.value) !== JSON.stringify(wasm.document(path, input)?.value))
    throw new Error(`interpreter and wasm disagree on ${JSON.stringify(input)}`);

const timer = measure(varied, () => undefined, 20, 2);
const elig = measure(varied, (i) => fixture.eligibility(i, { nowNs }), 40, 5);
const appr = measure(varied, (i) => fixture.approval(i, { nowNs }), 40, 5);
const wasmSample = measure(sampleInputs, (i) => wasm.document(path, i), 4000, 500);
const oursSample = measure(sampleInputs, (i) => ours.document(path, i), 4000, 500);
const allowed = varied.filter((i) => fixture.eligibility(i, { nowNs }).allow).length;

console.log(
  `policy benchmark (node ${process.version}, ${varied.length} varied inputs, ${allowed} eligible)\n`,
);
console.log('load');
console.log(
  `  interpreter, fixture set (${fixtureSources.length} files) compile   ${fixtureCompileMs.toFixed(2)} ms (median of 20)`,
);
console.log(
  `  interpreter, sample policy compile             ${sampleCompileMs.toFixed(2)} ms (median of 20)`,
);
console.log(`  wasm sample load (first, incl. instantiation)  ${wasmLoadMs.toFixed(2)} ms`);
console.log('\nper decision');
console.log(`  timer floor (hrtime pair, empty call)   ${fmt(timer)}`);
console.log(`  interpreter, fixture eligibility        ${fmt(elig)}`);
console.log(`  interpreter, fixture approval           ${fmt(appr)}`);
console.log(`  wasm, sample example/allow              ${fmt(wasmSample)}`);
console.log(`  interpreter, sample example/allow       ${fmt(oursSample)}`);
console.log(
  `\nratio interpreter / wasm on the sample: p50 ${(oursSample.p50 / wasmSample.p50).toFixed(2)}x, p99 ${(oursSample.p99 / wasmSample.p99).toFixed(2)}x`,
);
const worst = Math.max(elig.p50, appr.p50);
console.log(
  `goal p50 ≤ ${GOAL_P50_US} µs per decision (fixture): ${worst <= GOAL_P50_US ? 'met' : 'NOT met'} (${worst.toFixed(2)} µs)`,
);
