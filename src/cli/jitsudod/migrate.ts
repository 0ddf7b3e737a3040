import { z } from 'zod';
import { loadConfig } from '../../core/config.js';
import { migrate, openDatabase } from '../../core/db/client.js';
import { leaf } from '../args.js';
import { write } from '../output.js';

export const migrateCommand = leaf({
  name: 'migrate',
  description: 'Apply database migrations and exit (serve also applies them at start-up)',
  args: { config: { type: 'string', alias: 'c', description: 'config file (default $JITSUDOD_CONFIG)' } },
  schema: z.object({ config: z.string().min(1).optional() }).strict(),
  globals: false,
  async run(a) {
    const config = loadConfig({ file: a.config });
    const opened = await openDatabase(config);
    try {
      const { applied } = await migrate(opened.db);
      write(`Database (${opened.driver}) is up to date; ${applied} migration(s) applied.`);
    } finally {
      await opened.close();
    }
  },
});
