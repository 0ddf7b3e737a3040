/** Writes the PGlite data-dir snapshot (ADR 0052): initdb + migrations once, at build time. */
import { createHash } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import type { Database } from './client.js';
import { migrate } from './migrate.js';
import { migrationHashes, pgliteVersion, type SnapshotManifest, snapshotDir } from './pgdata-snapshot.js';
import * as schema from './schema/index.js';

/**
 * Builds the snapshot into `outDir` (default dist/pgdata/): a cluster in a scratch directory, `upTo`
 * migrations (all by default; fewer only to test an older snapshot), shut down cleanly — so the
 * first open of a new home needs no crash recovery, unlike PGlite's dumpDataDir of a running
 * instance — then packed as tar.gz with its manifest.
 */
export async function buildPgdataSnapshot(
  outDir = snapshotDir(),
  opts: { upTo?: number } = {},
): Promise<SnapshotManifest> {
  const scratch = mkdtempSync(join(tmpdir(), 'jitsudo-pgdata-'));
  try {
    const pg = new PGlite(join(scratch, 'pgdata'));
    try {
      await migrate(drizzle({ client: pg, schema }) as unknown as Database, opts);
    } finally {
      await pg.close();
    }
    const tarGz = gzipSync(tar(join(scratch, 'pgdata')), { level: 9 });
    const manifest: SnapshotManifest = {
      pglite: pgliteVersion(),
      migrations: migrationHashes().slice(0, opts.upTo),
      sha256: createHash('sha256').update(tarGz).digest('hex'),
    };
    mkdirSync(outDir, { recursive: true });
    // Archive first, manifest last (each renamed into place): a reader never pairs a manifest with
    // another build's archive, and the sha256 in the manifest catches the rest.
    writeFileSync(join(outDir, 'pgdata.tar.gz.tmp'), tarGz);
    renameSync(join(outDir, 'pgdata.tar.gz.tmp'), join(outDir, 'pgdata.tar.gz'));
    writeFileSync(join(outDir, 'manifest.json.tmp'), `${JSON.stringify(manifest, null, 2)}\n`);
    renameSync(join(outDir, 'manifest.json.tmp'), join(outDir, 'manifest.json'));
    return manifest;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** A ustar archive of `dir` under a top folder `pgdata/` (sorted: the same cluster, the same bytes). */
function tar(dir: string): Buffer {
  const out: Buffer[] = [];
  const header = (name: string, size: number, type: '0' | '5') => {
    if (Buffer.byteLength(name) > 100) throw new Error(`path too long for the snapshot archive: ${name}`);
    const h = Buffer.alloc(512);
    h.write(name, 0, 'utf8');
    h.write(type === '5' ? '0000700\0' : '0000600\0', 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
    h.write('00000000000\0', 136);
    h.write('        ', 148);
    h.write(type, 156);
    h.write('ustar\x0000', 257);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    out.push(h);
  };
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const st = statSync(join(dir, r));
      if (st.isDirectory()) {
        header(`pgdata/${r}/`, 0, '5');
        walk(r);
      } else if (st.isFile()) {
        const body = readFileSync(join(dir, r));
        header(`pgdata/${r}`, body.length, '0');
        out.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
      }
    }
  };
  walk('');
  out.push(Buffer.alloc(1024));
  return Buffer.concat(out);
}
