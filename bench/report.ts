/**
 * `npm run bench:report` — every benchmark in quick mode, one after another, and docs/performance.md
 * written from their output: per benchmark its figures (the script's own lines), its ratios to its
 * floor (each script measures its floor in the same run), how long it took; plus the machine (cores,
 * load average at start and end, node, PostgreSQL), the date, the commit and the command.
 *
 * The benchmarks are discovered from package.json's `bench:*` scripts, run as written (so a build
 * step in front stays), with quick arguments appended for the ones known here; a new script runs
 * with its defaults and BENCH_QUICK=1 in its environment. A script over its time limit is killed
 * and reported as such. Usage: npm run bench:report [-- --out docs/performance.md] [--only a,b]
 * (TEST_DATABASE_URL or DATABASE_URL: the PostgreSQL runs too, as each script does on its own).
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { pgServerUrl } from './support/databases.js';
import { ratios } from './support/ratios.js';

const ROOT = new URL('..', import.meta.url).pathname;
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const OUT = arg('--out') ?? join(ROOT, 'docs', 'performance.md');
const ONLY = arg('--only')?.split(',');

/** Quick sizes: large enough for stable medians, small enough that the whole report takes ~10 min. */
const QUICK: Record<
  string,
  { args?: string[]; env?: Record<string, string>; skip?: string; limitMin?: number; own?: RegExp }
> = {
  // Five server starts (PGlite, PostgreSQL, two replicas, production with and without TLS).
  'bench:requests': { args: ['600', '8,32'], limitMin: 8 },
  'bench:requests:replicas': { args: ['600', '8,32'], limitMin: 6 },
  'bench:requests:tls': { skip: 'its runs are part of bench:requests when PostgreSQL is set' },
  'bench:sweeper': { args: ['2000'] },
  'bench:audit': { args: ['50000'] },
  'bench:auth': { args: ['2000'] },
  'bench:outbox': { args: ['600', '200'] },
  'bench:outbox:durability': { args: ['600'] },
  'bench:mcp': { env: { BENCH_N: '150', BENCH_WARMUP: '30' } },
  'bench:cli': { args: ['8'], own: /target ≤/ },
  'bench:startup': { args: ['2'] },
  'bench:report': { skip: 'this report' },
};
/** Default time limit of one script; QUICK's limitMin overrides it. */
const LIMIT_MIN = 4;

interface Run {
  script: string;
  command: string;
  ms: number;
  code: number | null;
  timedOut: boolean;
  limitMin: number;
  output: string;
  skipped?: string;
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');

function runScript(
  script: string,
  command: string,
  env: Record<string, string>,
  limitMin: number,
): Promise<Run> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', command], {
      cwd: ROOT,
      env: {
        ...process.env,
        ...env,
        BENCH_QUICK: '1',
        PATH: `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, so a timeout takes its children (jitsudod) too
    });
    let output = '';
    const take = (b: Buffer) => {
      output += b.toString();
      process.stdout.write(b);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {}
    }, limitMin * 60_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ script, command, ms: performance.now() - t0, code, timedOut, limitMin, output });
    });
  });
}

/** Lines that are the run's own chatter, not figures (build steps, runtime warnings). */
const NOISE =
  /^(oidc-provider WARNING|> |\s*$)|ExperimentalWarning|--trace-warnings|^build(-pgdata)?:|error TS\d+|dist\/ is up to date/;

async function postgresVersion(): Promise<string> {
  const url = pgServerUrl();
  if (!url) return 'not set (PGlite runs only)';
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [r] = await sql<{ v: string }[]>`select version() as v`;
    return r!.v.split(',')[0]!;
  } catch (e) {
    return `unreachable (${(e as Error).message})`;
  } finally {
    await sql.end();
  }
}

function gitHead(): Promise<string> {
  return new Promise((resolve) => {
    const p = spawn('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT });
    let out = '';
    p.stdout.on('data', (b) => {
      out += b;
    });
    p.once('close', () => resolve(out.trim() || 'unknown'));
    p.once('error', () => resolve('unknown'));
  });
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};
const scripts = Object.entries(pkg.scripts)
  .filter(([name]) => name.startsWith('bench:'))
  .filter(([name]) => !ONLY || ONLY.includes(name) || ONLY.includes(name.slice('bench:'.length)));

const started = new Date();
const loadStart = load();
const pg = await postgresVersion();
const commit = await gitHead();
const runs: Run[] = [];
for (const [script, command] of scripts) {
  const q = QUICK[script] ?? {};
  const full = [command, ...(q.args ?? [])].join(' ');
  if (q.skip) {
    runs.push({
      script,
      command: full,
      ms: 0,
      code: null,
      timedOut: false,
      limitMin: 0,
      output: '',
      skipped: q.skip,
    });
    continue;
  }
  console.log(`\n=== ${script}: ${full}  (load ${load()})`);
  runs.push(await runScript(script, full, q.env ?? {}, q.limitMin ?? LIMIT_MIN));
}
const loadEnd = load();
const totalMin = (Date.now() - started.getTime()) / 60_000;

const cpu = cpus();
const status = (r: Run) =>
  r.skipped
    ? 'skipped'
    : r.timedOut
      ? `killed after ${r.limitMin} min`
      : r.code === 0
        ? 'ok'
        : `exit ${r.code}`;
const md: string[] = [
  '# Performance report',
  '',
  `Generated by \`npm run bench:report\` (bench/report.ts): every \`bench:*\` script of package.json in quick`,
  'mode, one after another. Each script measures its own floor in the same run; a ratio is the',
  "benchmark's figure against that floor (what jitsudo adds on top of the work it cannot avoid).",
  'Regenerate it on a quiet machine: the figures of a busy one say more about its neighbours.',
  '',
  '## Run',
  '',
  '| | |',
  '|---|---|',
  `| date (UTC) | ${started.toISOString().replace('T', ' ').slice(0, 16)} |`,
  `| command | \`npm run bench:report${process.argv.slice(2).length ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\` (${totalMin.toFixed(1)} min) |`,
  `| commit | ${commit} |`,
  `| machine | ${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB |`,
  `| load average (1/5/15 min) | start ${loadStart}; end ${loadEnd} |`,
  `| node | ${process.version} |`,
  `| PostgreSQL | ${pg} |`,
  '',
  '## Summary',
  '',
  '| benchmark | quick command | status | time | ratios to floor |',
  '|---|---|---|---|---|',
  ...runs.map(
    (r) =>
      `| \`${r.script}\` | \`${r.command}\` | ${r.skipped ? `skipped: ${r.skipped}` : status(r)} | ${r.skipped ? '' : `${(r.ms / 1000).toFixed(0)} s`} | ${ratios(r.output, QUICK[r.script]?.own).join('<br>') || '—'} |`,
  ),
  '',
];
for (const r of runs.filter((x) => !x.skipped)) {
  const lines = r.output.split('\n').filter((l) => !NOISE.test(l));
  md.push(`## ${r.script}`, '', `\`${r.command}\` — ${status(r)}, ${(r.ms / 1000).toFixed(0)} s`, '');
  md.push('```', ...lines.slice(-80), '```', '');
}
writeFileSync(OUT, `${md.join('\n')}\n`);
console.log(`\nwrote ${OUT} (${totalMin.toFixed(1)} min; load ${loadStart} → ${loadEnd})`);
process.exitCode = runs.some((r) => !r.skipped && (r.timedOut || r.code !== 0)) ? 1 : 0;
