import { existsSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { leaf } from '../args.js';
import { usageError } from '../errors.js';
import { write } from '../output.js';

/** A starter config: every section the server reads, commented, nothing secret unless given. */
function starterConfig(o: { addr: string; databaseUrl?: string }): string {
  return `# jitsudod configuration. Environment variables JITSUDOD_* override these keys; see README.md.
http:
  addr: "${o.addr}"

database:
  # PostgreSQL for production (several replicas may share it). Leave unset for embedded PGlite in
  # $JITSUDO_HOME/data (one process only).
${o.databaseUrl ? `  url: "${o.databaseUrl}"` : '  # url: "postgres://jitsudo@127.0.0.1:5432/jitsudo"'}
  pool_size: 10

auth:
  # "dev": the server mints tokens for anyone who asks (loopback only). "oidc": tokens from your IdP.
  mode: dev
  admin_group: jitsudo-admins
  admin_emails: []

policy:
  # .rego files loaded into an empty policy store on first start.
  # dir: ./policies
  reload_interval_seconds: 30

requests:
  pending_ttl_seconds: 86400
  max_duration_seconds: 604800

# Secrets at rest (provider credentials) are encrypted with a key derived from this 32-byte value
# (hex or base64). Without it, a key is generated into $JITSUDO_HOME/master.key. Every replica of
# one deployment must share it.
# encryption:
#   key: "<64 hex chars>"

providers:
  # The mock provider hands out fake credentials; useful to try jitsudo. Remove in production.
  mock: {}

log:
  level: info
`;
}

export const initCommand = leaf({
  name: 'init',
  description: 'Write a starter configuration file',
  args: {
    out: { type: 'string', description: 'where to write it', default: 'jitsudo.yaml' },
    addr: { type: 'string', description: 'listen address', default: '127.0.0.1:8080' },
    'database-url': { type: 'string', description: 'PostgreSQL URL (default: embedded PGlite)' },
    force: { type: 'boolean', description: 'overwrite an existing file' },
  },
  schema: z
    .object({
      out: z.string().min(1).default('jitsudo.yaml'),
      addr: z.string().min(1).default('127.0.0.1:8080'),
      databaseUrl: z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'must start with postgres://')
        .optional(),
      force: z.boolean().default(false),
    })
    .strict(),
  globals: false,
  async run(a) {
    if (existsSync(a.out) && !a.force) throw usageError(`${a.out} exists; use --force to overwrite it`);
    // 0600: the file may hold a database password or the encryption key once edited.
    writeFileSync(a.out, starterConfig({ addr: a.addr, databaseUrl: a.databaseUrl }), { mode: 0o600 });
    write(`Configuration written to ${a.out}

Next steps:
  1. Edit ${a.out} (database, auth, providers).
  2. Start the server:   jitsudod serve --config ${a.out}
  3. Log in:             jitsudo login --dev --user you@example.com --server http://${a.addr}`);
  },
});
