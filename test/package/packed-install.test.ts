/**
 * The package as a user gets it (ADR 0051): `npm pack` → install the tarball into an empty project
 * (from the npm cache `npm ci` warmed) → only what is in the tarball runs: the bins, `jitsudod serve
 * --dev` to /healthz, `jitsudo mcp` behind the official MCP SDK stdio client, the README quickstart's
 * client block and its "Connect an agent" steps, and `import 'jitsudo'` / `'jitsudo/client'` from plain Node (no tsx installed).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseConfig } from '../../src/core/config.js';
import { cleanEnv, ROOT, tempHome } from '../e2e/support/processes.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<Run> {
  return new Promise((resolve, reject) => {
    // stdin closed: bash on a socket stdin (node's 'pipe') takes itself for an ssh session and
    // sources /etc/bash.bashrc, which trips `set -u`.
    const p = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => {
      stdout += d;
    });
    p.stderr.on('data', (d) => {
      stderr += d;
    });
    p.once('error', reject);
    p.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const ok = (r: Run, what: string) => {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r;
};

function quickstartClientBlock(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = /^## Quickstart\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1] ?? '';
  const block = [...section.matchAll(/^```sh\n([\s\S]*?)^```/gm)].map((m) => m[1]!)[1];
  if (!block) throw new Error('README.md quickstart has no client block');
  return block;
}

/** The README's "Connect an agent" section: its sh block, its MCP client JSON and its catalog YAML. */
function connectAgentSection(): { sh: string; json: string; yaml: string } {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = /^## Connect an agent\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1] ?? '';
  const block = (lang: string) => {
    const m = new RegExp(`^\`\`\`${lang}\\n([\\s\\S]*?)^\`\`\``, 'm').exec(section);
    if (!m) throw new Error(`README.md "Connect an agent" has no ${lang} block`);
    return m[1]!;
  };
  return { sh: block('sh'), json: block('json'), yaml: block('yaml') };
}

const started = Date.now();
const timings: string[] = [];
const lap = (label: string, since: number) =>
  timings.push(`${label} ${((Date.now() - since) / 1000).toFixed(1)} s`);

const work = mkdtempSync(join(tmpdir(), 'jitsudo-packed-'));
const project = join(work, 'project');
const bin = join(project, 'node_modules', '.bin');
// The installed bins first on PATH: `npx jitsudo` and plain `jitsudo` both reach the tarball's.
const env = (extra: Record<string, string> = {}) =>
  cleanEnv({ PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`, ...extra });
let files: string[] = [];
let server: ChildProcess | undefined;
let url = '';

beforeAll(async () => {
  let t = Date.now();
  // The declarations (the dev set-up emits .js only) by tsc, without rewriting any .js: CLIs of
  // tests running beside this one load them. Then pack with scripts off: `prepack` is strict, and
  // type errors elsewhere in a checkout being edited must not stop this test (`npm run build` is
  // the strict gate).
  ok(await run(process.execPath, ['scripts/build.mjs', '--declarations'], { cwd: ROOT }), 'build');
  lap('tsc', t);
  t = Date.now();
  const packed = ok(
    await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT }),
    'npm pack',
  );
  const [info] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];
  files = info.files.map((f) => f.path);
  lap('pack', t);

  t = Date.now();
  ok(await run('mkdir', ['-p', project], { cwd: work }), 'mkdir');
  writeFileSync(join(project, 'package.json'), '{ "name": "consumer", "private": true, "type": "module" }\n');
  ok(
    await run(
      'npm',
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        join(work, info.filename),
      ],
      { cwd: project },
    ),
    'npm install <tarball>',
  );
  lap('install', t);
}, 300_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server!.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  rmSync(work, { recursive: true, force: true, maxRetries: 5 });
  console.log(`packed install: ${timings.join(', ')}; total ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

describe('the packed package, installed', () => {
  it('ships dist/ with types, migrations, policies and the bins — no sources, tests or maps', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'bin/jitsudo.js',
        'bin/jitsudod.js',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/client/index.js',
        'dist/client/index.d.ts',
        'dist/cli/main.js',
        'drizzle/meta/_journal.json',
        'package.json',
        'README.md',
      ]),
    );
    expect(files.some((f) => f.startsWith('policies/') && f.endsWith('.rego'))).toBe(true);
    expect(files.some((f) => f.startsWith('drizzle/') && f.endsWith('.sql'))).toBe(true);
    const unexpected = files.filter(
      (f) => /^(src|test|bench|scripts|docs)\//.test(f) || /\.map$|tsbuildinfo|build-stamp/.test(f),
    );
    expect(unexpected).toEqual([]);
    // tsx is a dev tool only: nothing installed from the tarball can depend on it.
    expect(existsSync(join(project, 'node_modules', 'tsx'))).toBe(false);
  });

  it('jitsudo --help and --version run from the install', async () => {
    const help = ok(await run('jitsudo', ['--help'], { cwd: project, env: env() }), 'jitsudo --help');
    expect(help.stdout).toMatch(/request/);
    expect(help.stdout).toMatch(/approve/);
    const version = ok(
      await run('jitsudo', ['--version'], { cwd: project, env: env() }),
      'jitsudo --version',
    );
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(version.stdout.trim()).toBe(pkg.version);
  });

  it('jitsudod serve --dev answers /healthz on a free port with its own JITSUDO_HOME', async () => {
    const t = Date.now();
    server = spawn('jitsudod', ['serve', '--dev', '--addr', '127.0.0.1:0'], {
      cwd: project,
      env: env({ JITSUDO_HOME: tempHome('packed-server'), JITSUDOD_LOG_LEVEL: 'warn' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`jitsudod did not come up:\n${out}`)), 120_000);
      const onData = (d: Buffer) => {
        out += d;
        const m = /jitsudod listening on (http:\/\/\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      server!.stdout!.on('data', onData);
      server!.stderr!.on('data', onData);
      server!.once('exit', (code) => reject(new Error(`jitsudod exited (${code}):\n${out}`)));
    });
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    lap('server up', t);
  });

  it('the README quickstart client block works against it', async () => {
    expect(url).not.toBe('');
    const t = Date.now();
    const r = await run('bash', ['-euo', 'pipefail', '-c', quickstartClientBlock()], {
      cwd: project,
      env: env({ JITSUDO_HOME: join(work, 'client-home'), JITSUDO_SERVER: url }),
    });
    expect({ code: r.code, stderr: r.stderr.replace(/^npm warn .*\n/gm, '') }).toEqual({
      code: 0,
      stderr: '',
    });
    expect(r.stdout).toMatch(/State:\s+PENDING/);
    expect(r.stdout).toContain('mock credentials: present');
    expect(r.stdout).toMatch(/State:\s+REVOKED/);
    lap('quickstart', t);
  });

  it('jitsudo mcp answers initialize and tools/list through the SDK stdio client', async () => {
    expect(url).not.toBe('');
    const t = Date.now();
    const transport = new StdioClientTransport({
      command: join(bin, 'jitsudo'),
      args: ['mcp'],
      // The quickstart left alice logged in in this home.
      env: env({ JITSUDO_HOME: join(work, 'client-home'), JITSUDO_SERVER: url }) as Record<string, string>,
      stderr: 'pipe',
    });
    const client = new Client({ name: 'packed-install-test', version: '1' });
    await client.connect(transport); // initialize
    try {
      expect(client.getServerVersion()?.name).toBeTruthy();
      const { tools } = await client.listTools();
      expect(tools.map((x) => x.name)).toEqual(expect.arrayContaining(['request_access']));
    } finally {
      await client.close();
    }
    lap('mcp', t);
  });

  it('the README "Connect an agent" steps work from the install: token, client config, a tool call', async () => {
    expect(url).not.toBe('');
    const t = Date.now();
    const readme = connectAgentSection();
    const home = join(work, 'agent-owner-home');
    const r = ok(
      await run('bash', ['-euo', 'pipefail', '-c', `${readme.sh}\nprintf 'TOKEN=%s\\n' "$TOKEN"`], {
        cwd: project,
        env: env({ JITSUDO_HOME: home, JITSUDO_SERVER: url }),
      }),
      'connect-an-agent block',
    );
    const token = /^TOKEN=(jit_agt_\S+)$/m.exec(r.stdout)?.[1];
    expect(token).toBeDefined();
    // The client config exactly as printed, with this test's server and the minted token.
    const entry = (JSON.parse(readme.json) as { mcpServers: Record<string, any> }).mcpServers.jitsudo;
    const args = (entry.args as string[]).map((a) => (a === 'http://127.0.0.1:8080' ? url : a));
    expect(args).toContain(url);
    const transport = new StdioClientTransport({
      command: join(bin, entry.command as string),
      args,
      // A home with no login: the agent has only its token.
      env: env({ JITSUDO_HOME: join(work, 'agent-home'), JITSUDO_TOKEN: token! }) as Record<string, string>,
      stderr: 'pipe',
    });
    const client = new Client({ name: 'readme-agent', version: '1' });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((x) => x.name)).toEqual(
        expect.arrayContaining(['exec_with_access', 'request_access']),
      );
      const listed = await client.callTool({ name: 'list_eligible_access', arguments: {} });
      expect(listed.isError ?? false).toBe(false);
      expect(JSON.stringify(listed)).not.toContain(token!);
    } finally {
      await client.close();
    }
    // The catalog snippet is a valid config section.
    const catalog = (parseYaml(readme.yaml) as { catalog: unknown }).catalog;
    expect(parseConfig({ home: work, catalog }).catalog.length).toBeGreaterThan(0);
    lap('connect an agent', t);
  });

  it("imports 'jitsudo' and 'jitsudo/client' from plain Node", async () => {
    writeFileSync(
      join(project, 'embed.mjs'),
      `import { createJitsudo } from 'jitsudo';
import { createClient } from 'jitsudo/client';
console.log(typeof createJitsudo, typeof createClient);\n`,
    );
    const r = ok(await run(process.execPath, ['embed.mjs'], { cwd: project, env: env() }), 'node embed.mjs');
    expect(r.stdout.trim()).toBe('function function');
  });
});
