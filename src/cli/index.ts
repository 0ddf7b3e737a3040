/** The `jitsudo` command tree. Subcommands load lazily so `jitsudo status` does not load `policy`. */
import { defineCommand } from 'citty';

export const jitsudoCommand = defineCommand({
  meta: { name: 'jitsudo', description: 'sudo for your cloud: ask for access, use it, give it back' },
  subCommands: {
    login: () => import('./commands/login.js').then((m) => m.loginCommand),
    logout: () => import('./commands/logout.js').then((m) => m.logoutCommand),
    whoami: () => import('./commands/whoami.js').then((m) => m.whoamiCommand),
    request: () => import('./commands/request.js').then((m) => m.requestCommand),
    status: () => import('./commands/status.js').then((m) => m.statusCommand),
    approve: () => import('./commands/decide.js').then((m) => m.approveCommand),
    deny: () => import('./commands/decide.js').then((m) => m.denyCommand),
    cancel: () => import('./commands/decide.js').then((m) => m.cancelCommand),
    revoke: () => import('./commands/decide.js').then((m) => m.revokeCommand),
    extend: () => import('./commands/extend.js').then((m) => m.extendCommand),
    review: () => import('./commands/review.js').then((m) => m.reviewCommand),
    exec: () => import('./commands/exec.js').then((m) => m.execCommand),
    shell: () => import('./commands/exec.js').then((m) => m.shellCommand),
    mcp: () => import('./commands/mcp.js').then((m) => m.mcpCommand),
    audit: () => import('./commands/audit/index.js').then((m) => m.auditCommand),
    policy: () => import('./commands/policy/index.js').then((m) => m.policyCommand),
    agent: () => import('./commands/agent.js').then((m) => m.agentCommand),
    principal: () => import('./commands/principal.js').then((m) => m.principalCommand),
    server: () => import('./commands/server/index.js').then((m) => m.serverCommand),
  },
});
