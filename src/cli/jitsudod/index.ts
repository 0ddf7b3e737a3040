/** The `jitsudod` command tree: serve (default), migrate, init. */
import { defineCommand } from 'citty';

export const jitsudodCommand = defineCommand({
  meta: { name: 'jitsudod', description: 'the jitsudo server' },
  default: 'serve',
  subCommands: {
    serve: () => import('./serve.js').then((m) => m.serveCommand),
    migrate: () => import('./migrate.js').then((m) => m.migrateCommand),
    init: () => import('./init.js').then((m) => m.initCommand),
  },
});
