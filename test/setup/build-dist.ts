/**
 * Vitest global set-up: bring dist/ up to date before any test spawns `bin/jitsudo.js` or
 * `bin/jitsudod.js` (they run compiled code only, ADR 0051). A no-op when nothing under src/ is
 * newer than the last build, so `npx vitest run <file>` stays cheap.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const script = fileURLToPath(new URL('../../scripts/build.mjs', import.meta.url));
  const r = spawnSync(process.execPath, [script], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`scripts/build.mjs failed (exit ${r.status ?? r.signal})`);
}
