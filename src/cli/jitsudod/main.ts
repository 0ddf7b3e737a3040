/** Entry of `bin/jitsudod.js`. */
import { readFileSync } from 'node:fs';
import { runCli } from '../run.js';
import { jitsudodCommand } from './index.js';

const version = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

// jitsudod writes only owner-only state (keys, lock, PGlite files, config from `init`): nothing it
// creates, including what PostgreSQL writes into the data dir while running, gets group/other bits.
if (process.platform !== 'win32') process.umask(0o077);

process.exitCode = await runCli(jitsudodCommand, process.argv.slice(2), version);
