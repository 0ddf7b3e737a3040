import { defineCommand } from 'citty';
import { globalArgs } from '../../args.js';
import { auditListArgs } from './list-args.js';

export const auditCommand = defineCommand({
  meta: { name: 'audit', description: 'The audit log: list (default), verify, export' },
  // citty finds the subcommand by skipping flag values it knows about: declare list's flags here.
  args: { ...auditListArgs, ...globalArgs },
  default: 'list',
  subCommands: {
    list: () => import('./list.js').then((m) => m.auditListCommand),
    verify: () => import('./verify.js').then((m) => m.auditVerifyCommand),
    export: () => import('./export.js').then((m) => m.auditExportCommand),
  },
});
