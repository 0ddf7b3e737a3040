#!/usr/bin/env node
/**
 * Writes dist/pgdata/ (ADR 0052): a pre-initialised, pre-migrated PGlite data directory that a new
 * $JITSUDO_HOME unpacks instead of running initdb (10–20 s) and the migrations. Only when the one
 * there does not match the installed PGlite and drizzle/ (so it can run on every build).
 *
 *   node scripts/build-pgdata.mjs           build if missing or stale
 *   node scripts/build-pgdata.mjs --force   rebuild
 *
 * Plain JS: it runs the compiled dist/ (scripts/build.mjs first), so it needs no tsx.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

const dist = (p) => import(pathToFileURL(join(ROOT, 'dist', 'core', 'db', p)).href);
const { usableSnapshot, snapshotDir, migrationHashes } = await dist('pgdata-snapshot.js');
const { buildPgdataSnapshot } = await dist('pgdata-snapshot-build.js');
const manifest = usableSnapshot()?.manifest;
const current = manifest && manifest.migrations.length === migrationHashes().length;
if (current && !process.argv.includes('--force')) {
  process.stderr.write(`build-pgdata: ${snapshotDir()} is current\n`);
} else {
  const started = Date.now();
  const m = await buildPgdataSnapshot();
  process.stderr.write(
    `build-pgdata: ${snapshotDir()} (PGlite ${m.pglite}, ${m.migrations.length} migrations) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
}
