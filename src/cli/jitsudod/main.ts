/** Entry of `bin/jitsudod.js`. */
import { PACKAGE_VERSION } from '../../http/app.js';
import { runCli } from '../run.js';
import { jitsudodCommand } from './index.js';

process.exitCode = await runCli(jitsudodCommand, process.argv.slice(2), PACKAGE_VERSION);
