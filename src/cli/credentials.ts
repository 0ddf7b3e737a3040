/**
 * `~/.jitsudo/credentials` (or `$JITSUDO_HOME/credentials`): the tokens from `jitsudo login`.
 * Written atomically with mode 0600 in a 0700 directory; refused when group/world can read it.
 * `credentialsLock` serializes token refreshes between concurrent `jitsudo` processes.
 */
import {
  chmodSync,
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { z } from 'zod';
import { ensurePrivateDir } from '../core/private-files.js';
import { jitsudoHome } from './env.js';
import { CliError } from './errors.js';
import { EXIT } from './exit-codes.js';

/**
 * `token` is the bearer sent to jitsudod (a dev token, or the IdP's access token). Files written
 * before OIDC login have no `kind` and load as `dev`. An `oidc` session also keeps what refresh and
 * revocation need: the issuer, the public client id, the audience and the refresh token.
 */
export const StoredCredentials = z.object({
  kind: z.enum(['dev', 'oidc']).default('dev'),
  server_url: z.string().url(),
  token: z.string().min(1),
  expires_at: z.string(),
  /** The identity the server reported at login (kept as `email` for older files and readers). */
  email: z.string(),
  issuer: z.string().url().optional(),
  client_id: z.string().min(1).optional(),
  audience: z.string().min(1).optional(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
});
export type StoredCredentials = z.infer<typeof StoredCredentials>;
export type StoredCredentialsInput = z.input<typeof StoredCredentials>;

export const credentialsPath = (): string => join(jitsudoHome(), 'credentials');

/** Reads the credentials file; undefined when there is none. Throws CliError if unsafe or corrupt. */
export function loadCredentials(): StoredCredentials | undefined {
  const path = credentialsPath();
  if (!existsSync(path)) return undefined;
  const mode = statSync(path).mode & 0o777;
  if (process.platform !== 'win32' && mode & 0o077)
    throw new CliError(
      `${path} is readable by other users (mode ${mode.toString(8)}); run \`chmod 600 ${path}\` or log in again`,
      EXIT.UNAUTHENTICATED,
    );
  const parsed = StoredCredentials.safeParse(safeYaml(readFileSync(path, 'utf8')));
  if (!parsed.success)
    throw new CliError(
      `${path} is not a valid credentials file; run \`jitsudo login\` again`,
      EXIT.UNAUTHENTICATED,
    );
  return parsed.data;
}

/** Writes the credentials file atomically (temp file 0600, then rename). */
export function saveCredentials(creds: StoredCredentialsInput): string {
  const dir = jitsudoHome();
  ensurePrivateDir(dir);
  const path = credentialsPath();
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, stringify(creds), { mode: 0o600 });
  chmodSync(tmp, 0o600); // the umask cannot widen it, but an existing tmp file might have been wider
  renameSync(tmp, path);
  return path;
}

/** Removes the credentials file; true when there was one. */
export function deleteCredentials(): boolean {
  const path = credentialsPath();
  if (!existsSync(path)) return false;
  unlinkSync(path);
  return true;
}

/** An OIDC session with fewer seconds left than this is refreshed before a call (ADR 0042). */
export const REFRESH_BEFORE_SECONDS = 60;

export const secondsLeft = (c: StoredCredentials): number => (Date.parse(c.expires_at) - Date.now()) / 1000;

/** True when the saved login can refresh itself (an OIDC session with a refresh token). */
export const refreshable = (c: StoredCredentials): boolean =>
  c.kind === 'oidc' && !!c.refresh_token && !!c.issuer && !!c.client_id;

/** True when the session can be used, or made usable by a refresh. */
export const usable = (c: StoredCredentials): boolean => secondsLeft(c) > 0 || refreshable(c);

const LOCK_STALE_MS = 30_000;
const LOCK_WAIT_MS = 20_000;

/**
 * Runs `fn` holding `credentials.lock` (O_EXCL). A refresh rotates the refresh token, and an IdP that
 * detects the reuse of a rotated token revokes the whole session: two processes must not refresh
 * from the same file at once. A lock older than 30 s is left over from a killed process and taken.
 */
export async function withCredentialsLock<T>(fn: () => Promise<T>): Promise<T> {
  ensurePrivateDir(jitsudoHome());
  const lock = `${credentialsPath()}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx', 0o600));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > LOCK_STALE_MS) {
        unlinkSync(lock);
        continue;
      }
      if (Date.now() > deadline)
        throw new CliError(`another jitsudo is refreshing the login (${lock}); try again`, EXIT.UNAVAILABLE);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  try {
    return await fn();
  } finally {
    try {
      unlinkSync(lock);
    } catch {
      // already taken over as stale: nothing to release
    }
  }
}

function safeYaml(text: string): unknown {
  try {
    return parseYaml(text);
  } catch {
    return undefined;
  }
}
