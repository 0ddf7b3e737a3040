/**
 * Start-up of `npm start` (issue 12): `jitsudod serve --dev` as a child process with a NEW
 * JITSUDO_HOME, timed from spawn to `/readyz` answering 200; then the same home again (restart).
 * Floor, measured in the same run: a bare Node process that imports PGlite and opens the existing
 * data directory of that home (what any PGlite-backed start must pay). Prints the server's own
 * phase timings (its `jitsudod listening` log line carries `startup_ms`) and its RSS once idle.
 * `npm run bench:startup [runs]` (default 3; the median is reported).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.argv[2] ?? 3);

function cleanEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!/^(JITSUDO|JITSUDOD)_|^DATABASE_URL$/.test(k)) env[k] = v;
  return { ...env, JITSUDO_HOME: home, JITSUDOD_LOG_LEVEL: 'info', NO_COLOR: '1' };
}

/** CPU seconds (user + system) the process has used so far, in ms: steadier than wall time under load. */
function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

interface Start {
  ms: number;
  cpu: number;
  phases: Record<string, number>;
  rssMb: number;
}

/** Spawns the server, waits for /readyz, reads its phases and (idle) RSS, stops it. */
async function startOnce(home: string, idleMs: number): Promise<Start> {
  const t0 = performance.now();
  const proc = spawn(
    process.execPath,
    [join(ROOT, 'bin', 'jitsudod.js'), 'serve', '--dev', '--addr', '127.0.0.1:0'],
    { env: cleanEnv(home), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  const url = await new Promise<string>((res, rej) => {
    const on = (d: Buffer) => {
      out += d;
      const m = /jitsudod listening on (http:\/\/\S+)/.exec(out);
      if (m) res(m[1]!);
    };
    proc.stdout.on('data', on);
    proc.stderr.on('data', on);
    proc.once('exit', (c) => rej(new Error(`jitsudod exited ${c}:\n${out}`)));
  });
  for (;;) {
    const r = await fetch(`${url}/readyz`).catch(() => undefined);
    if (r?.status === 200) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const ms = performance.now() - t0;
  const cpu = cpuMs(proc.pid!);
  // pino writes asynchronously: the listening log line may trail the banner a little.
  for (let i = 0; i < 200 && !out.includes('"startup_ms"'); i++) await new Promise((r) => setTimeout(r, 10));
  const line = out.split('\n').find((l) => l.includes('"startup_ms"'));
  const phases = line ? (JSON.parse(line) as { startup_ms: Record<string, number> }).startup_ms : {};
  await new Promise((r) => setTimeout(r, idleMs));
  const status = readFileSync(`/proc/${proc.pid}/status`, 'utf8');
  const rssMb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await exited;
  return { ms, cpu, phases, rssMb };
}

/** Wall and CPU time of a fresh Node process running `code` until it prints "ready". */
async function timedScript(code: string, what: string): Promise<{ ms: number; cpu: number }> {
  const t0 = performance.now();
  const proc = spawn(process.execPath, ['--input-type=module', '-e', code], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let cpu = 0;
  await new Promise<void>((res, rej) => {
    proc.stdout.on('data', (d: Buffer) => {
      if (!d.toString().includes('ready')) return;
      cpu = cpuMs(proc.pid!);
      res();
    });
    proc.once('exit', (c) => (c ? rej(new Error(`${what} process exited ${c}`)) : undefined));
  });
  const ms = performance.now() - t0;
  await new Promise((r) => proc.once('exit', r));
  return { ms, cpu };
}

/** Floor: a fresh Node process importing PGlite and opening `dataDir` until a query answers. */
const pgliteOpen = (dataDir: string) =>
  timedScript(
    `const {PGlite}=await import('@electric-sql/pglite');const d=new PGlite(${JSON.stringify(dataDir)});await d.query('select 1');console.log('ready');await d.close();`,
    'floor',
  );

/** What a new home paid before ADR 0052: a fresh process, initdb of a new dir, every migration. */
const initdbAndMigrate = (dataDir: string) =>
  timedScript(
    `const {PGlite}=await import('@electric-sql/pglite');const {drizzle}=await import('drizzle-orm/pglite');const {migrate}=await import('./dist/core/db/migrate.js');const d=new PGlite(${JSON.stringify(dataDir)});await migrate(drizzle({client:d}));console.log('ready');await d.close();`,
    'initdb',
  );

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const f = (n: number) => `${Math.round(n)} ms`;
const row = (label: string, wall: number, cpu: number, fl: { ms: number; cpu: number }, note = '') =>
  console.log(
    `${label.padEnd(34)} wall ${f(wall).padStart(8)} ×${(wall / fl.ms).toFixed(2)}   cpu ${f(cpu).padStart(8)} ×${(cpu / fl.cpu).toFixed(2)}${note}`,
  );

async function main() {
  const fresh: Start[] = [];
  const again: Start[] = [];
  const floor: { ms: number; cpu: number }[] = [];
  const initdb: { ms: number; cpu: number }[] = [];
  for (let i = 0; i < RUNS; i++) {
    const home = mkdtempSync(join(tmpdir(), 'jitsudo-bench-startup-'));
    try {
      fresh.push(await startOnce(home, i === 0 ? 3000 : 0));
      again.push(await startOnce(home, i === 0 ? 3000 : 0));
      floor.push(await pgliteOpen(join(home, 'data')));
      initdb.push(await initdbAndMigrate(join(home, 'initdb')));
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }
  const fl = { ms: median(floor.map((x) => x.ms)), cpu: median(floor.map((x) => x.cpu)) };
  console.log(
    `jitsudod serve --dev start-up, ${RUNS} run(s), medians; wall = spawn → /readyz 200, cpu = that process's CPU time then`,
  );
  console.log(`(ratios are to the floor; CPU time holds still on a loaded machine, wall time does not)`);
  row('floor: PGlite open of existing dir', fl.ms, fl.cpu, fl);
  const show = (label: string, runs: Start[]) => {
    const ms = median(runs.map((r) => r.ms));
    row(label, ms, median(runs.map((r) => r.cpu)), fl);
    const mid = runs.find((r) => r.ms === ms)!;
    for (const [k, v] of Object.entries(mid.phases)) console.log(`    ${k.padEnd(30)} ${f(v).padStart(8)}`);
  };
  show('fresh JITSUDO_HOME (npm start)', fresh);
  show('existing JITSUDO_HOME (restart)', again);
  row(
    'initdb + migrations of a new dir',
    median(initdb.map((x) => x.ms)),
    median(initdb.map((x) => x.cpu)),
    fl,
    '  (what a new home paid before ADR 0052)',
  );
  console.log(
    `server RSS after start, 3 s idle: fresh home ${fresh[0]!.rssMb.toFixed(1)} MB, restart ${again[0]!.rssMb.toFixed(1)} MB`,
  );
}

await main();
