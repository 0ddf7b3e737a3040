/** Entry of `bin/jitsudod.js`. */
import { readFileSync } from 'node:fs';
import { runCli } from '../run.js';
import { jitsudodCommand } from './index.js';

const version = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

process.exitCode = await runCli(jitsudodCommand, process.argv.slice(2), version);
