import { defineCommand } from 'citty';

export const policyCommand = defineCommand({
  meta: { name: 'policy', description: 'Manage and test Rego policies: list, get, apply, delete, eval' },
  subCommands: {
    list: () => import('./list.js').then((m) => m.policyListCommand),
    get: () => import('./list.js').then((m) => m.policyGetCommand),
    apply: () => import('./apply.js').then((m) => m.policyApplyCommand),
    delete: () => import('./list.js').then((m) => m.policyDeleteCommand),
    eval: () => import('./eval.js').then((m) => m.policyEvalCommand),
  },
});
