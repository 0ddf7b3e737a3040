/** Entry of `bin/jitsudo.js`. */
import { readFileSync } from 'node:fs';
import { jitsudoCommand } from './index.js';
import { runCli } from './run.js';

const version = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

process.exitCode = await runCli(jitsudoCommand, process.argv.slice(2), version);
