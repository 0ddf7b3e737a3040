import { defineCommand } from 'citty';

export const auditCommand = defineCommand({
  meta: { name: 'audit', description: 'The audit log: list (default), verify, export' },
  default: 'list',
  subCommands: {
    list: () => import('./list.js').then((m) => m.auditListCommand),
    verify: () => import('./verify.js').then((m) => m.auditVerifyCommand),
    export: () => import('./export.js').then((m) => m.auditExportCommand),
  },
});
