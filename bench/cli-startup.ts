/**
 * CLI start-up cost, cold processes, against the floor `node -e 0` measured in the same run:
 * `jitsudo --version`, `jitsudo --help`, `jitsudod --version`, and one real call (`jitsudo whoami`
 * against a `jitsudod serve --dev` on a free port). The pre-ADR-0051 path (tsx loading src/) runs
 * alongside as a reference, so one run shows before and after.
 *
 * Wall time is the median of N runs; CPU is user+system of the child itself (read at its exit
 * through a preload), median too. Target (ADR 0051): `jitsudo --version` ≤ 3× `node -e 0`.
 *
 * Usage: npm run bench:cli [-- N]   (N runs per case, default 15)
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const N = Number(process.argv[2] ?? 15);
const work = mkdtempSync(join(tmpdir(), 'jitsudo-bench-cli-'));
const home = join(work, 'home');
const cpuFile = join(work, 'cpu');
// Writes the child's own CPU time at exit; costs microseconds, applied to every case alike.
const preload = join(work, 'cpu.mjs');
writeFileSync(
  preload,
  `import { writeFileSync } from 'node:fs';
process.on('exit', () => { const u = process.cpuUsage(); writeFileSync(${JSON.stringify(cpuFile)}, String((u.user + u.system) / 1000)); });\n`,
);

const env = (extra: Record<string, string> = {}) => {
  const e: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^JITSUDOD?_/.test(k)) e[k] = v;
  return { ...e, NO_COLOR: '1', JITSUDO_HOME: home, ...extra };
};

interface Case {
  name: string;
  args: string[];
  env?: Record<string, string>;
  expectCode?: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

function runOnce(c: Case): { wallMs: number; cpuMs: number } {
  rmSync(cpuFile, { force: true });
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--import', preload, ...c.args], {
    env: env(c.env),
    cwd: ROOT,
    encoding: 'utf8',
  });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== (c.expectCode ?? 0))
    throw new Error(`${c.name}: exit ${r.status}\n${r.stdout}\n${r.stderr}`.slice(0, 2000));
  return { wallMs, cpuMs: Number(readFileSync(cpuFile, 'utf8')) };
}

function measure(c: Case) {
  runOnce(c); // warms the OS file cache, as every later call in a session would find it
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < N; i++) {
    const r = runOnce(c);
    wall.push(r.wallMs);
    cpu.push(r.cpuMs);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

async function startServer(): Promise<{ url: string; stop(): void }> {
  const proc = spawn(
    process.execPath,
    [join(ROOT, 'bin/jitsudod.js'), 'serve', '--dev', '--addr', '127.0.0.1:0'],
    { env: env({ JITSUDO_HOME: join(work, 'server'), JITSUDOD_LOG_LEVEL: 'warn' }), stdio: 'pipe' },
  );
  let out = '';
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`jitsudod did not start:\n${out}`)), 180_000);
    const onData = (d: Buffer) => {
      out += d;
      const m = /jitsudod listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        res(m[1]!);
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.once('exit', (code) => rej(new Error(`jitsudod exited ${code}:\n${out}`)));
  });
  return { url, stop: () => proc.kill('SIGTERM') };
}

const JITSUDO = join(ROOT, 'bin/jitsudo.js');
const JITSUDOD = join(ROOT, 'bin/jitsudod.js');
// Before ADR 0051 the bins registered tsx and imported src/ — the same as this.
const TSX_JITSUDO = ['--import', 'tsx', join(ROOT, 'src/cli/main.ts')];

const server = await startServer();
try {
  const login = spawnSync(
    process.execPath,
    [JITSUDO, 'login', '--dev', '--user', 'alice@example.com', '--groups', 'sre'],
    { env: env({ JITSUDO_SERVER: server.url }), encoding: 'utf8' },
  );
  if (login.status !== 0) throw new Error(`login failed: ${login.stderr}`);
  const whoamiEnv = { JITSUDO_SERVER: server.url };

  const floor = measure({ name: 'node -e 0', args: ['-e', '0'] });
  const rows: [string, { wall: number; cpu: number }][] = [
    ['node -e 0 (floor)', floor],
    ['jitsudo --version', measure({ name: 'version', args: [JITSUDO, '--version'] })],
    ['jitsudo --help', measure({ name: 'help', args: [JITSUDO, '--help'] })],
    ['jitsudod --version', measure({ name: 'd-version', args: [JITSUDOD, '--version'] })],
    ['jitsudo whoami (HTTP)', measure({ name: 'whoami', args: [JITSUDO, 'whoami'], env: whoamiEnv })],
    ['tsx src: --version', measure({ name: 'tsx-version', args: [...TSX_JITSUDO, '--version'] })],
    [
      'tsx src: whoami (HTTP)',
      measure({ name: 'tsx-whoami', args: [...TSX_JITSUDO, 'whoami'], env: whoamiEnv }),
    ],
  ];
  console.log(`CLI start-up, cold processes, median of ${N} (Node ${process.version})`);
  console.log('case                        wall ms  ×floor   cpu ms  ×floor');
  for (const [name, r] of rows)
    console.log(
      `${name.padEnd(26)} ${r.wall.toFixed(0).padStart(8)} ${(r.wall / floor.wall).toFixed(2).padStart(7)} ` +
        `${r.cpu.toFixed(0).padStart(8)} ${(r.cpu / floor.cpu).toFixed(2).padStart(7)}`,
    );
  const ratio = rows[1]![1].wall / floor.wall;
  console.log(`jitsudo --version / node -e 0 = ${ratio.toFixed(2)} (target ≤ 3)`);
} finally {
  server.stop();
  rmSync(work, { recursive: true, force: true, maxRetries: 5 });
}
