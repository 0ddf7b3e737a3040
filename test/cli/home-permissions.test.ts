/** A real `jitsudod serve --dev` on a JITSUDO_HOME that already exists with mode 0755. */
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startJitsudod, tempHome } from '../e2e/support/processes.js';
import { modeOf, widerThanOwner } from '../helpers/file-modes.js';

const root = tempHome('perm');
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('jitsudod home permissions', () => {
  it('an existing 0755 JITSUDO_HOME becomes 0700 with PGlite data, key and lock files 0600, while running and after stop', async () => {
    const home = join(root, 'home');
    mkdirSync(home);
    chmodSync(home, 0o755);
    const server = await startJitsudod({ home });
    try {
      expect(modeOf(home)).toBe(0o700);
      expect(modeOf(join(home, 'data'))).toBe(0o700);
      expect(modeOf(join(home, 'master.key'))).toBe(0o600);
      expect(modeOf(join(home, 'data.lock'))).toBe(0o600);
      expect(widerThanOwner(home)).toEqual([]);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(widerThanOwner(home)).toEqual([]);
  }, 120_000);
});
