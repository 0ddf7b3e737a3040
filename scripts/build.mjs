#!/usr/bin/env node
/**
 * Builds src/ into dist/ with tsc (tsconfig.build.json), only when something under src/ (or a
 * tsconfig) is newer than the last build — so `npm test`, `npx vitest`, `npm start` can call it
 * every time and a stale dist/ cannot be run from a checkout (ADR 0051).
 *
 *   node scripts/build.mjs            build if stale; type errors are printed, JS is still emitted
 *   node scripts/build.mjs --strict   same, but exit 1 when the (last) build had type errors
 *   node scripts/build.mjs --clean    remove dist/ first (a from-scratch build; implies a build)
 *
 * Plain JS on purpose: it must run before anything is compiled, without tsx.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'src');
const DIST = join(ROOT, 'dist');
const STAMP = join(DIST, '.build-stamp.json');
const LOCK = join(ROOT, '.build-lock');
// Dev-only tooling that runs through tsx and is not part of the package.
const EXCLUDED = join(SRC, 'core', 'policy', 'rego', 'conformance');

const args = new Set(process.argv.slice(2));
const strict = args.has('--strict');
const clean = args.has('--clean');

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (p === EXCLUDED) continue;
    const st = statSync(p);
    if (st.isDirectory()) walk(p, out);
    else out.push([p, st.mtimeMs]);
  }
  return out;
}

function newestInput() {
  let newest = 0;
  for (const [, m] of walk(SRC)) newest = Math.max(newest, m);
  for (const f of ['tsconfig.json', 'tsconfig.build.json'])
    newest = Math.max(newest, statSync(join(ROOT, f)).mtimeMs);
  return newest;
}

function readStamp() {
  try {
    return { ...JSON.parse(readFileSync(STAMP, 'utf8')), mtimeMs: statSync(STAMP).mtimeMs };
  } catch {
    return undefined;
  }
}

function isStale() {
  const stamp = readStamp();
  return !stamp || newestInput() > stamp.mtimeMs;
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** One build at a time in a checkout (several test runs may start together); waits, bounded. */
async function withLock(fn) {
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let owner = 0;
      try {
        owner = Number(readFileSync(join(LOCK, 'pid'), 'utf8'));
      } catch {}
      // A lock whose owner died (or that never got its pid written, after a grace) is taken over.
      const age = Date.now() - (statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? 0);
      if ((owner && !alive(owner)) || (!owner && age > 30_000)) {
        rmSync(LOCK, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`build lock ${LOCK} held by pid ${owner} for 10 min`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/** dist/ files whose source is gone (a renamed or deleted module) would otherwise be packed. */
function pruneOrphans() {
  if (!existsSync(DIST)) return;
  for (const [p] of walk(DIST)) {
    const rel = relative(DIST, p);
    if (rel.startsWith('.')) continue;
    const base = rel.replace(/(\.d\.ts\.map|\.d\.ts|\.js\.map|\.js)$/, '');
    if (base === rel) continue;
    if (!existsSync(join(SRC, `${base}.ts`))) rmSync(p);
  }
}

function runTsc() {
  const tsc = createRequire(join(ROOT, 'package.json')).resolve('typescript/bin/tsc');
  const started = Date.now();
  const r = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  if (r.error) throw r.error;
  const out = `${r.stdout}${r.stderr}`.trim();
  const ok = r.status === 0;
  pruneOrphans();
  mkdirSync(DIST, { recursive: true });
  writeFileSync(STAMP, `${JSON.stringify({ ok, errors: ok ? '' : out.slice(0, 20_000) })}\n`);
  // The stamp carries the build's start time: a file saved during the build counts as newer.
  utimesSync(STAMP, started / 1000, started / 1000);
  return { ok, out, seconds: (Date.now() - started) / 1000 };
}

function reportStamp() {
  const stamp = readStamp();
  if (strict && !stamp.ok) {
    process.stderr.write(`${stamp.errors}\nbuild: dist/ was emitted with type errors\n`);
    return 1;
  }
  return 0;
}

async function main() {
  if (!clean && !isStale()) return reportStamp();
  return withLock(() => {
    if (clean) rmSync(DIST, { recursive: true, force: true });
    else if (!isStale()) return reportStamp(); // another process built it while we waited
    const { ok, out, seconds } = runTsc();
    process.stderr.write(`build: tsc -p tsconfig.build.json → dist/ in ${seconds.toFixed(1)} s\n`);
    if (!ok) {
      process.stderr.write(`${out}\n`);
      process.stderr.write(
        strict
          ? 'build: type errors (see above)\n'
          : 'build: type errors (see above); dist/ was emitted anyway — `npm run typecheck` fails\n',
      );
    }
    return ok || !strict ? 0 : 1;
  });
}

process.exitCode = await main();
