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

export interface TlsFileFlags {
  ca?: string;
  cert?: string;
  key?: string;
}
// Set once per command by `leaf()` from --ca-file/--client-cert/--client-key (global flags).
let tlsFlags: TlsFileFlags = {};
export const setTlsFlags = (f: TlsFileFlags): void => {
  tlsFlags = f;
};

/** Each TLS file with where it was named: the flag wins over the environment variable. */
export function tlsFileSettings(): Record<keyof TlsFileFlags, { file: string; from: string } | undefined> {
  const env = envTlsFiles();
  const pick = (flag: string | undefined, flagName: string, value: string | undefined, envName: string) =>
    flag ? { file: flag, from: flagName } : value ? { file: value, from: envName } : undefined;
  return {
    ca: pick(tlsFlags.ca, '--ca-file', env.ca, 'JITSUDO_CA_FILE'),
    cert: pick(tlsFlags.cert, '--client-cert', env.cert, 'JITSUDO_CLIENT_CERT_FILE'),
    key: pick(tlsFlags.key, '--client-key', env.key, 'JITSUDO_CLIENT_KEY_FILE'),
  };
}

/** How `jitsudo login --flow browser` opens a URL: $JITSUDO_BROWSER (a command; `none`: only print it). */
export const envBrowser = (): string | undefined => process.env.JITSUDO_BROWSER || undefined;

/** The user's shell for `jitsudo shell`. */
export const userShell = (): string => process.env.SHELL || '/bin/sh';

/** A copy of the current environment for a child process. */
export const childEnv = (): NodeJS.ProcessEnv => ({ ...process.env });
