#!/usr/bin/env node
/**
 * Keeps dist/ current for the CLIs and the package (ADR 0051).
 *
 *   node scripts/build.mjs           fast: re-emit only the .js of sources newer than their output,
 *                                    with TypeScript's own per-file emit (transpileModule); no type
 *                                    check, no .d.ts. What `npm test`, `npx vitest`, `npm start`
 *                                    and `prepare` run: ~0.1 s CPU when nothing changed.
 *   node scripts/build.mjs --full    tsc -p tsconfig.build.json (incremental): .js and .d.ts; type
 *                                    errors are printed, output is emitted anyway
 *   node scripts/build.mjs --declarations   the fast path, then tsc --emitDeclarationOnly: the .d.ts
 *                                    too, without rewriting any .js a running CLI may be loading
 *                                    (the packed-install test, beside other tests)
 *   node scripts/build.mjs --strict  the same, exit 1 on type errors (`prepack`)
 *   node scripts/build.mjs --clean   remove dist/ first (with --strict: `npm run build`)
 *
 * The per-file emit equals tsc's because tsconfig.json sets isolatedModules and
 * verbatimModuleSyntax (each file compiles alone; imports are kept or dropped by syntax).
 * Plain JS on purpose: it must run before anything is compiled, without tsx.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
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
const STAMP = join(DIST, '.build-stamp');
const LOCK = join(ROOT, '.build-lock');
// Dev-only tooling that runs through tsx and is not part of the package.
const EXCLUDED = join(SRC, 'core', 'policy', 'rego', 'conformance');

const args = new Set(process.argv.slice(2));
const strict = args.has('--strict');
const clean = args.has('--clean');
const declarationsOnly = args.has('--declarations');
const full = strict || clean || args.has('--full');
const requireHere = createRequire(join(ROOT, 'package.json'));

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

/** When dist/ was last brought up to date: the stamp's mtime, set to that run's start time. */
function readStamp() {
  const st = statSync(STAMP, { throwIfNoEntry: false });
  return st && { mtimeMs: st.mtimeMs };
}

function writeStamp(startedMs) {
  mkdirSync(DIST, { recursive: true });
  writeFileSync(STAMP, 'dist/ up to date as of this file\'s mtime (scripts/build.mjs)\n');
  // The build's start time: a file saved during the build counts as newer.
  utimesSync(STAMP, startedMs / 1000, startedMs / 1000);
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

function runTsc(extra = []) {
  const tsc = requireHere.resolve('typescript/bin/tsc');
  const started = Date.now();
  const r = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), ...extra], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  if (r.error) throw r.error;
  const out = `${r.stdout}${r.stderr}`.trim();
  const ok = r.status === 0;
  pruneOrphans();
  // Declarations alone leave the .js as they were: only a full emit brings dist/ up to date.
  if (!extra.includes('--emitDeclarationOnly')) writeStamp(started);
  return { ok, out, seconds: (Date.now() - started) / 1000 };
}

/** A CLI started by another test run meanwhile reads the old file or the new one, never half. */
function writeAtomic(file, text) {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Sources (as tsconfig.build.json selects them) whose dist .js is missing or older. */
function transpileChanged() {
  const ts = requireHere('typescript');
  const configPath = join(ROOT, 'tsconfig.build.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  // A tsconfig edit may change every file's output.
  const stamp = readStamp();
  const configChanged =
    !stamp ||
    ['tsconfig.json', 'tsconfig.build.json'].some((f) => statSync(join(ROOT, f)).mtimeMs > stamp.mtimeMs);
  let count = 0;
  for (const file of parsed.fileNames) {
    if (!file.endsWith('.ts') || file.endsWith('.d.ts')) continue;
    const out = join(DIST, relative(SRC, file)).replace(/\.ts$/, '.js');
    const src = statSync(file);
    const prev = statSync(out, { throwIfNoEntry: false });
    // Whole milliseconds: utimes below stores the source's mtime at millisecond precision.
    if (!configChanged && prev && Math.floor(prev.mtimeMs) >= Math.floor(src.mtimeMs)) continue;
    // NodeNext decides ESM vs CJS from package.json, which a lone file cannot see: say ESM (the
    // package is "type": "module"); everything else is tsconfig's.
    const r = ts.transpileModule(readFileSync(file, 'utf8'), {
      compilerOptions: {
        ...parsed.options,
        module: ts.ModuleKind.ESNext,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
      },
      fileName: file,
    });
    mkdirSync(dirname(out), { recursive: true });
    if (r.sourceMapText) writeAtomic(`${out}.map`, r.sourceMapText);
    writeAtomic(out, r.outputText);
    // The output carries its source's mtime as read: a save during this run still counts as newer.
    utimesSync(out, src.atime, src.mtime);
    count++;
  }
  return count;
}

function fast() {
  const started = Date.now();
  const count = transpileChanged();
  pruneOrphans();
  writeStamp(started);
  if (count)
    process.stderr.write(`build: ${count} file(s) → dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

async function main() {
  if (declarationsOnly)
    return withLock(() => {
      if (isStale()) fast();
      // Its own build info: the full build's would claim the .js are emitted by tsc.
      const { ok, out, seconds } = runTsc([
        '--emitDeclarationOnly',
        '--tsBuildInfoFile',
        join(DIST, '.tsbuildinfo-declarations'),
      ]);
      process.stderr.write(`build: tsc --emitDeclarationOnly → dist/ in ${seconds.toFixed(1)} s\n`);
      if (!ok) process.stderr.write(`${out}\nbuild: type errors (see above); declarations emitted anyway\n`);
      return 0;
    });
  if (!full) {
    if (!isStale()) return 0;
    return withLock(() => {
      fast();
      return 0;
    });
  }
  return withLock(() => {
    if (clean) rmSync(DIST, { recursive: true, force: true });
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
