/**
 * `~/.jitsudo/credentials` (or `$JITSUDO_HOME/credentials`): the token from `jitsudo login`.
 * Written atomically with mode 0600 in a 0700 directory; refused when group/world can read it.
 */
import {
  chmodSync,
  existsSync,
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

export const StoredCredentials = z.object({
  server_url: z.string().url(),
  token: z.string().min(1),
  expires_at: z.string(),
  email: z.string(),
});
export type StoredCredentials = z.infer<typeof StoredCredentials>;

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
export function saveCredentials(creds: StoredCredentials): string {
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

function safeYaml(text: string): unknown {
  try {
    return parseYaml(text);
  } catch {
    return undefined;
  }
}
