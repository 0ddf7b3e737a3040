#!/usr/bin/env node
/**
 * `npm start`: bring dist/ up to date, then run `jitsudod serve --dev` IN THIS PROCESS. One process
 * on purpose: npm forwards SIGINT/SIGTERM to the process it started (package.json says `exec node …`
 * so that is this one, not a shell), and a shell running `build && node …` dies of the signal and
 * leaves the server running as an orphan. If npm itself is killed outright (SIGKILL), this process
 * is re-parented: it then stops the server as on SIGTERM.
 * Extra arguments pass through: `npm start -- --addr 127.0.0.1:9000`.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
}, 500).unref();
process.argv = [process.argv[0], join(ROOT, 'bin', 'jitsudod.js'), 'serve', '--dev', ...process.argv.slice(2)];
await import('../bin/jitsudod.js');
