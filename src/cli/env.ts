/** The CLI's only reader of `process.env` (the server's is src/core/config.ts). */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const DEFAULT_SERVER = 'http://127.0.0.1:8080';

/** `$JITSUDO_HOME`, else `~/.jitsudo`: where the credentials file lives. */
export function jitsudoHome(): string {
  const h = process.env.JITSUDO_HOME;
  return h ? resolve(h) : join(homedir(), '.jitsudo');
}

/** `$JITSUDO_SERVER` if set (overridden by --server). */
export const envServer = (): string | undefined => process.env.JITSUDO_SERVER || undefined;

/** `$JITSUDO_TOKEN` if set: a bearer token that takes precedence over the credentials file. */
export const envToken = (): string | undefined => process.env.JITSUDO_TOKEN || undefined;

/** TLS files for a server behind a private CA or mTLS: $JITSUDO_CA_FILE, $JITSUDO_CLIENT_CERT_FILE, $JITSUDO_CLIENT_KEY_FILE. */
export const envTlsFiles = () => ({
  ca: process.env.JITSUDO_CA_FILE || undefined,
  cert: process.env.JITSUDO_CLIENT_CERT_FILE || undefined,
  key: process.env.JITSUDO_CLIENT_KEY_FILE || undefined,
});

/** The user's shell for `jitsudo shell`. */
export const userShell = (): string => process.env.SHELL || '/bin/sh';

/** A copy of the current environment for a child process. */
export const childEnv = (): NodeJS.ProcessEnv => ({ ...process.env });
