/**
 * The Dockerfile, checked without a Docker daemon (none can run images here: ADR 0054). Statically:
 * its stages, a numeric non-root USER matching the chart, no secret in ENV/ARG, the HEALTHCHECK,
 * that every COPY source exists in the build context after .dockerignore or is produced by the
 * build stage, and that the entrypoint runs compiled code with no dev dependency. For real: the
 * healthcheck script the image and the chart's exec probes run, against real jitsudod servers
 * (plain HTTP, and TLS with client_auth require).
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { issueCertificate } from '../../src/server/certificates.js';
import { type RunningServer, startServer } from '../../src/server/start-server.js';
import { cleanEnv, tempHome } from '../e2e/support/processes.js';
import { dockerignore, parseDockerfile, type Stage } from '../helpers/dockerfile.js';
import { loadChart } from '../helpers/helm-chart.js';
import { type OidcIdp, startOidcIdp } from '../helpers/oidc-idp.js';
import { serverTlsFiles, type TlsFiles, writePem } from '../helpers/tls-files.js';

const ROOT = join(import.meta.dirname, '..', '..');
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');
const { args: globalArgs, stages } = parseDockerfile(read('Dockerfile'));
const included = dockerignore(read('.dockerignore'));
const pkg = JSON.parse(read('package.json'));
const chartValues = loadChart(join(ROOT, 'deploy', 'helm', 'jitsudo')).defaults as any;
const HEALTHCHECK = join(ROOT, 'deploy', 'docker', 'healthcheck.mjs');

const stage = (name: string) => stages.find((s) => s.name === name)!;
const all = (s: Stage, cmd: string) => s.instructions.filter((i) => i.cmd === cmd);
const runtime = stages.at(-1)!;
/** `KEY=value …` pairs of the ENV instructions of a stage. */
const envOf = (s: Stage) =>
  Object.fromEntries(all(s, 'ENV').flatMap((i) => i.args.map((a) => a.split('=') as [string, string])));

describe('Dockerfile', () => {
  it('has a build stage and a runtime stage on the same Node 20 base', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'runtime']);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the Dockerfile's own ARG reference
    expect(stages.map((s) => s.from)).toEqual(['${NODE_IMAGE}', '${NODE_IMAGE}']);
    expect(globalArgs.map((a) => a.raw)).toEqual([expect.stringMatching(/^NODE_IMAGE=node:20[.-]/)]);
    expect(pkg.engines.node).toMatch(/^>=20\./);
  });

  it('runs as a numeric non-root user, the same the chart asks for', () => {
    const users = all(runtime, 'USER').map((i) => i.raw);
    expect(users).toHaveLength(1);
    const [uid, gid] = users[0]!.split(':').map(Number);
    expect(uid).toBeGreaterThan(0);
    expect([uid, gid]).toEqual([
      chartValues.podSecurityContext.runAsUser,
      chartValues.podSecurityContext.runAsGroup,
    ]);
    // Nothing after USER switches back to root.
    const after = runtime.instructions.slice(runtime.instructions.findIndex((i) => i.cmd === 'USER'));
    expect(after.filter((i) => i.cmd === 'RUN')).toEqual([]);
  });

  it('holds no secret in ENV or ARG, and its state lives on the JITSUDO_HOME volume', () => {
    const env = envOf(runtime);
    const names = [
      ...Object.keys(env),
      ...stages.flatMap((s) => all(s, 'ARG').map((i) => i.args[0]!.split('=')[0]!)),
    ];
    for (const n of names) expect(n).not.toMatch(/KEY|SECRET|TOKEN|PASSWORD|DATABASE_URL|CREDENTIAL/i);
    for (const v of Object.values(env)) expect(v).not.toMatch(/:\/\/[^/@]*:[^/@]*@/);
    expect(env.JITSUDO_HOME).toBe('/var/lib/jitsudo');
    expect(all(runtime, 'VOLUME').flatMap((i) => i.args)).toEqual([env.JITSUDO_HOME]);
    expect(
      all(runtime, 'RUN')
        .map((i) => i.raw)
        .join(' '),
    ).toContain(`chown 10001:10001 ${env.JITSUDO_HOME}`);
  });

  it('has a node HEALTHCHECK on /healthz running the script the chart probes with', () => {
    const [hc] = all(runtime, 'HEALTHCHECK');
    expect(hc).toBeDefined();
    expect(hc!.exec).toBe(true);
    expect(hc!.args).toEqual(['node', '/app/healthcheck.mjs', '/healthz']);
    expect(hc!.flags).toMatchObject({ interval: expect.any(String), timeout: expect.any(String) });
    expect(all(runtime, 'WORKDIR').map((i) => i.raw)).toEqual(['/app']);
    const copy = all(runtime, 'COPY').find((i) => i.args[0] === 'deploy/docker/healthcheck.mjs');
    expect(copy?.args[1]).toBe('./healthcheck.mjs');
    const chart = loadChart(join(ROOT, 'deploy', 'helm', 'jitsudo'));
    const objs = chart.render({
      database: { existingSecret: 'd' },
      encryption: { existingSecret: 'k' },
      tls: { existingSecret: 't' },
      auth: { oidc: { issuer: 'https://idp.example.com', audience: 'a' } },
      probes: { type: 'exec' },
    });
    const c = objs.find((o) => o.obj.kind === 'Deployment')!.obj.spec.template.spec.containers[0];
    expect(c.livenessProbe.exec.command.slice(0, 2)).toEqual(hc!.args.slice(0, 2));
  });

  it('runs jitsudod from compiled code as PID 1, `serve` by default (as the chart)', () => {
    const [entry] = all(runtime, 'ENTRYPOINT');
    expect(entry).toMatchObject({ exec: true, args: ['node', '/app/bin/jitsudod.js'] });
    expect(all(runtime, 'CMD')).toMatchObject([{ exec: true, args: chartValues.server.args }]);
    expect(pkg.bin.jitsudod).toBe('./bin/jitsudod.js');
    const bin = read('bin/jitsudod.js');
    const imports = [...bin.matchAll(/import\s*(?:[^'"]*from\s*)?\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
    expect(imports).toContain('../dist/cli/jitsudod/main.js');
    for (const spec of imports) expect(Object.keys(pkg.devDependencies)).not.toContain(spec.split('/')[0]);
    const build = JSON.parse(read('tsconfig.build.json'));
    expect(build.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist' });
    expect(existsSync(join(ROOT, 'src/cli/jitsudod/main.ts'))).toBe(true);
  });

  it('copies from the context only files that exist and .dockerignore lets through', () => {
    const copies = stages.flatMap((s) => all(s, 'COPY').filter((i) => !i.flags.from));
    expect(copies.length).toBeGreaterThan(3);
    for (const c of copies)
      for (const src of c.args.slice(0, -1)) {
        expect(existsSync(join(ROOT, src)), src).toBe(true);
        // A directory is sent when something in it is; a file when it is itself let through.
        const files = statSync(join(ROOT, src)).isDirectory()
          ? readdirSync(join(ROOT, src), { recursive: true }).map((f) => `${src}/${f}`)
          : [src];
        expect(files.some(included), src).toBe(true);
      }
    for (const p of [
      'src/cli/jitsudod/main.ts',
      'drizzle/meta/_journal.json',
      'policies',
      'scripts/build.mjs',
    ])
      expect(included(p), p).toBe(true);
    for (const p of [
      '.env',
      'jitsudo.yaml',
      'tls/server.key',
      'node_modules/x',
      'dist/x.js',
      'test/a.ts',
      '.git/HEAD',
      'src/a.test.ts',
      'scripts/mcp-inspector-check.sh',
    ])
      expect(included(p), p).toBe(false);
  });

  it('the runtime holds what the build stage packed (package.json files) and the pruned node_modules', () => {
    const build = stage('build');
    const copiedIn = all(build, 'COPY').flatMap((i) => i.args.slice(0, -1));
    const run = all(build, 'RUN')
      .map((i) => i.raw.replace(/\s+/g, ' '))
      .join(' && ');
    const npmCi = /npm ci[^&]*/.exec(run)?.[0];
    expect(npmCi).toBeDefined();
    // `prepare` runs in `npm ci` and would build before the sources are copied in.
    if (pkg.scripts.prepare || pkg.scripts.postinstall) expect(npmCi).toContain('--ignore-scripts');
    const order = [
      'npm run build',
      'npm pack',
      'tar -xzf /tmp/jitsudo-*.tgz -C /out',
      'npm prune --omit=dev',
      'cp -a node_modules /out/node_modules',
    ];
    const at = order.map((step) => run.indexOf(step));
    expect(
      at.every((n) => n >= 0),
      `${order} in ${run}`,
    ).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    // What `npm run build` runs must be in the stage, and what the package ships must exist after it.
    for (const [, script] of pkg.scripts.build.matchAll(/node (scripts\/[\w.-]+)/g)) {
      expect(copiedIn.includes('scripts') || copiedIn.includes(script), script).toBe(true);
      expect(included(script), script).toBe(true);
    }
    expect(JSON.parse(read('tsconfig.build.json')).compilerOptions.outDir).toBe('dist');
    for (const f of pkg.files.filter((f: string) => !f.startsWith('!')))
      expect(f === 'dist' || copiedIn.includes(f), f).toBe(true);
    const fromBuild = all(runtime, 'COPY').filter((i) => i.flags.from);
    expect(fromBuild.map((i) => [i.flags.from, ...i.args])).toEqual([['build', '/out', '/app']]);
  });
});

describe('healthcheck.mjs against real jitsudod servers', () => {
  let idp: OidcIdp;
  let tls: TlsFiles;
  let client: { cert: string; key: string };
  let secure: RunningServer;
  let plain: RunningServer;

  beforeAll(async () => {
    idp = await startOidcIdp();
    tls = await serverTlsFiles('healthcheck');
    client = writePem(
      tls.dir,
      'probe',
      await issueCertificate(tls.ca, { commonName: 'probe', usage: 'client' }),
    );
    const common = {
      log: { level: 'silent' },
      database: { url: 'memory://', allow_embedded: true },
    } as const;
    [secure, plain] = await Promise.all([
      startServer({
        config: parseConfig({
          ...common,
          home: tempHome('hc-tls'),
          mode: 'production',
          http: { addr: '127.0.0.1:0' },
          auth: { mode: 'oidc', oidc: { issuer: idp.issuer, audience: idp.audience } },
          tls: {
            cert_file: tls.certFile,
            key_file: tls.keyFile,
            client_ca_file: tls.caFile,
            client_auth: 'require',
          },
        }),
      }),
      startServer({
        config: parseConfig({ ...common, home: tempHome('hc-plain'), http: { addr: '127.0.0.1:0' } }),
      }),
    ]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([secure?.close(), plain?.close()]);
    await idp?.stop();
  });

  function probe(args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [HEALTHCHECK, ...args],
        { env: cleanEnv(env), timeout: 30_000 },
        (err, stdout, stderr) => resolve({ code: err ? ((err as any).code ?? 1) : 0, out: stdout + stderr }),
      );
    });
  }

  it('plain HTTP: /healthz and /readyz answer 200 → exit 0', async () => {
    for (const path of ['/healthz', '/readyz'])
      expect(await probe([path], { JITSUDO_HEALTHCHECK_URL: plain.url })).toEqual({
        code: 0,
        out: `healthcheck: ${path} ok\n`,
      });
  });

  it('mTLS require: passes with the client certificate, fails without it, and never prints key material', async () => {
    const withCert = { JITSUDO_CLIENT_CERT_FILE: client.cert, JITSUDO_CLIENT_KEY_FILE: client.key };
    expect(await probe(['/readyz'], { JITSUDO_HEALTHCHECK_URL: secure.url, ...withCert })).toMatchObject({
      code: 0,
    });
    // The URL derived as in the image: loopback, the port of JITSUDOD_HTTP_ADDR, https with a certificate.
    const port = new URL(secure.url).port;
    const derived = {
      JITSUDOD_HTTP_ADDR: `0.0.0.0:${port}`,
      JITSUDOD_TLS_CERT_FILE: tls.certFile,
      ...withCert,
    };
    expect(await probe([], derived)).toEqual({ code: 0, out: 'healthcheck: /healthz ok\n' });
    const refused = await probe([], { JITSUDO_HEALTHCHECK_URL: secure.url });
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/^healthcheck: https:\/\/127\.0\.0\.1:\d+\/healthz: /);
    const badKey = await probe([], {
      JITSUDO_HEALTHCHECK_URL: secure.url,
      ...withCert,
      JITSUDO_CLIENT_KEY_FILE: '/nonexistent',
    });
    expect(badKey).toEqual({
      code: 1,
      out: 'healthcheck: cannot read the client certificate or key (ENOENT)\n',
    });
    for (const r of [refused, badKey]) expect(r.out).not.toMatch(/PRIVATE KEY|BEGIN CERT/);
  });

  it('fails (exit 1) on a port nobody listens on, and refuses other paths', async () => {
    const closed = await probe([], { JITSUDOD_HTTP_ADDR: '127.0.0.1:1' });
    expect(closed.code).toBe(1);
    expect(closed.out).toMatch(/http:\/\/127\.0\.0\.1:1\/healthz: .*ECONNREFUSED/);
    expect(await probe(['/api/v1alpha1/requests'], { JITSUDO_HEALTHCHECK_URL: plain.url })).toEqual({
      code: 1,
      out: 'healthcheck: unknown path /api/v1alpha1/requests (use /healthz or /readyz)\n',
    });
  });
});
