/** Owner-only state under JITSUDO_HOME, also when the home already exists with a wider mode. */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { saveCredentials } from '../../src/cli/credentials.js';
import { parseConfig } from '../../src/core/config.js';
import { loadOrCreateKeys } from '../../src/core/crypto/secrets.js';
import { migrate, openDatabase } from '../../src/core/db/client.js';
import { modeOf, widerThanOwner } from '../helpers/file-modes.js';

const mode = modeOf;

const roots: string[] = [];
/** A JITSUDO_HOME that already exists with mode 0755 (as `mkdir ~/.jitsudo` leaves it). */
function existingHome(): string {
  const root = mkdtempSync(join(tmpdir(), 'jitsudo-perm-'));
  roots.push(root);
  const home = join(root, 'home');
  mkdirSync(home);
  chmodSync(home, 0o755);
  return home;
}
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

describe('owner-only files under an existing 0755 JITSUDO_HOME', () => {
  it('PGlite data dir is 0700 and its files 0600 after open, after migrations and after close', async () => {
    const home = existingHome();
    const config = { home, database: { pool_size: 1 } };
    const opened = await openDatabase(config);
    try {
      expect(widerThanOwner(join(home, 'data'))).toEqual([]);
      expect(mode(join(home, 'data'))).toBe(0o700);
      expect(mode(join(home, 'data.lock'))).toBe(0o600);
      expect(mode(home)).toBe(0o700);
      await migrate(opened.db);
    } finally {
      await opened.close();
    }
    expect(widerThanOwner(home)).toEqual([]);
    // Reopening an existing data dir (created earlier with wide modes) tightens it too.
    chmodSync(join(home, 'data'), 0o755);
    chmodSync(join(home, 'data', 'PG_VERSION'), 0o644);
    const again = await openDatabase(config);
    try {
      expect(widerThanOwner(home)).toEqual([]);
    } finally {
      await again.close();
    }
    expect(widerThanOwner(home)).toEqual([]);
  }, 120_000);

  it('the master key file is 0600 in a 0700 home, also when it was copied in world-readable', () => {
    const home = existingHome();
    const config = parseConfig({ home });
    loadOrCreateKeys(config);
    expect(widerThanOwner(home)).toEqual([]);
    expect(mode(home)).toBe(0o700);
    const home2 = existingHome();
    writeFileSync(join(home2, 'master.key'), `${'ab'.repeat(32)}\n`, { mode: 0o644 });
    chmodSync(join(home2, 'master.key'), 0o644);
    loadOrCreateKeys(parseConfig({ home: home2 }));
    expect(mode(join(home2, 'master.key'))).toBe(0o600);
    expect(mode(home2)).toBe(0o700);
  });

  it('jitsudo login keeps its credentials in a 0700 home even when the home existed as 0755', () => {
    const home = existingHome();
    const before = process.env.JITSUDO_HOME;
    process.env.JITSUDO_HOME = home;
    try {
      saveCredentials({
        server_url: 'http://127.0.0.1:1',
        token: 't',
        expires_at: '2999-01-01T00:00:00Z',
        email: 'a@example.com',
      });
    } finally {
      if (before === undefined) delete process.env.JITSUDO_HOME;
      else process.env.JITSUDO_HOME = before;
    }
    expect(mode(home)).toBe(0o700);
    expect(widerThanOwner(home)).toEqual([]);
  });
});
