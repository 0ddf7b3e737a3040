/**
 * A pre-initialised, pre-migrated PGlite data directory (ADR 0052). initdb in WebAssembly costs
 * 10–20 s of CPU, most of a first `npm start`; a new `$JITSUDO_HOME` unpacks this snapshot instead.
 * The build step (`npm run build:pgdata`, scripts/build-pgdata.ts) writes it to `dist/pgdata/`:
 * PGlite's own dump (`dumpDataDir('gzip')`, a tar.gz of the cluster) and a manifest naming the
 * PGlite version and the migrations it holds. A snapshot is used only when that PGlite version is
 * the installed one and its migrations are a prefix of this package's; migrate() applies the rest.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, normalize, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { migrationsFolder } from './migrate.js';

export interface SnapshotManifest {
  /** `@electric-sql/pglite` version that wrote the cluster (its on-disk format). */
  pglite: string;
  /** drizzle hashes of the migrations applied, in order. */
  migrations: string[];
  /** SHA-256 of pgdata.tar.gz: a half-written or swapped archive is not used. */
  sha256: string;
}

/** `dist/pgdata/` of this package (beside `drizzle/`), where the build step writes the snapshot. */
export function snapshotDir(): string {
  return join(dirname(migrationsFolder()), 'dist', 'pgdata');
}

/** The installed PGlite version. */
export function pgliteVersion(): string {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  let dir = dirname(entry);
  for (let i = 0; i < 4; i++, dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      const { name, version } = JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string; version: string };
      if (name === '@electric-sql/pglite') return version;
    }
  }
  throw new Error('@electric-sql/pglite package.json not found');
}

/** This package's migration hashes, in order. */
export function migrationHashes(): string[] {
  return readMigrationFiles({ migrationsFolder: migrationsFolder() }).map((m) => m.hash);
}

/** Why `manifest` cannot seed a data dir for this package, or undefined when it can. */
export function snapshotMismatch(
  manifest: SnapshotManifest,
  current = migrationHashes(),
): string | undefined {
  if (manifest.pglite !== pgliteVersion())
    return `written by PGlite ${manifest.pglite}, installed ${pgliteVersion()}`;
  if (manifest.migrations.length > current.length) return 'holds migrations this package does not have';
  const i = manifest.migrations.findIndex((h, n) => h !== current[n]);
  if (i >= 0) return `migration ${i} differs from drizzle/`;
  return undefined;
}

/** Reads the snapshot in `dir` when it exists and fits this package (see snapshotMismatch). */
export function usableSnapshot(
  dir = snapshotDir(),
): { tarGz: Buffer; manifest: SnapshotManifest } | undefined {
  const manifestFile = join(dir, 'manifest.json');
  const tarFile = join(dir, 'pgdata.tar.gz');
  if (!existsSync(manifestFile) || !existsSync(tarFile)) return undefined;
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as SnapshotManifest;
  if (snapshotMismatch(manifest)) return undefined;
  const tarGz = readFileSync(tarFile);
  // A half-written or replaced archive: initdb is slower but never wrong.
  if (manifest.sha256 !== createHash('sha256').update(tarGz).digest('hex')) return undefined;
  return { tarGz, manifest };
}

/**
 * Unpacks the snapshot into `dataDir` (which must be absent or empty): into a sibling directory
 * first, renamed into place at the end, so a crash mid-way leaves no half-made cluster behind.
 */
export function restoreSnapshot(tarGz: Buffer, dataDir: string): void {
  const tmp = `${dataDir}.restore-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { mode: 0o700 });
  try {
    untar(gunzipSync(tarGz), tmp);
    if (existsSync(dataDir)) rmdirSync(dataDir); // empty (ensured by the caller); rmdir refuses otherwise
    renameSync(tmp, dataDir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/**
 * Extracts the regular files and directories of a ustar archive (what PGlite's dump writes) into
 * `into`, dropping the archive's top folder (PGlite names it after the data dir). Files 0600,
 * directories 0700: the cluster is owner-only like the rest of $JITSUDO_HOME.
 */
function untar(tar: Buffer, into: string): void {
  const field = (h: Buffer, at: number, len: number) =>
    h
      .subarray(at, at + len)
      .toString('utf8')
      .replace(/\0.*$/s, '');
  for (let off = 0; off + 512 <= tar.length; ) {
    const h = tar.subarray(off, off + 512);
    if (h.every((b) => b === 0)) break;
    const prefix = field(h, 345, 155);
    const name = (prefix ? `${prefix}/` : '') + field(h, 0, 100);
    const size = Number.parseInt(field(h, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(h[156]!);
    const body = off + 512;
    off = body + Math.ceil(size / 512) * 512;
    const rel = name.split('/').slice(1).join('/');
    if (!rel) continue;
    const target = normalize(join(into, rel));
    if (!target.startsWith(into + sep)) throw new Error(`snapshot entry outside the data dir: ${name}`);
    if (type === '5') mkdirSync(target, { recursive: true, mode: 0o700 });
    else if (type === '0' || type === '\0') {
      mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
      writeFileSync(target, tar.subarray(body, body + size), { mode: 0o600 });
    } else throw new Error(`snapshot entry of unsupported type "${type}": ${name}`);
  }
}
