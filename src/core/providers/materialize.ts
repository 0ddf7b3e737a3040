/**
 * Credentials a child process reads from a FILE rather than from the variable itself. Today that is
 * KUBECONFIG: the kubernetes provider returns the kubeconfig's contents, while kubectl and the
 * client libraries expect a path. Both `jitsudo exec`/`shell` and MCP `exec_with_access` call
 * materializeCredentials before spawning, and cleanup() once the child has ended.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';

export interface MaterializedCredentials {
  /** The env to give the child: file-backed variables now name a 0600 file. */
  env: Record<string, string>;
  /**
   * Secrets embedded in file contents (a kubeconfig's token, client key, password) under derived
   * names, so a redactor can catch them when a program prints them on their own.
   */
  embeddedSecrets: Record<string, string>;
  /** Deletes the files and their directory; idempotent. Also runs at process exit as a fallback. */
  cleanup(): void;
}

interface KubeconfigDoc {
  apiVersion?: unknown;
  clusters?: unknown;
  users?: { name?: unknown; user?: Record<string, unknown> }[];
}

/** The parsed kubeconfig when `value` is kubeconfig CONTENTS (not a path to an existing file). */
export function kubeconfigContents(value: string): KubeconfigDoc | undefined {
  if (existsSync(value)) return undefined;
  let doc: unknown;
  try {
    doc = parseYaml(value);
  } catch {
    return undefined;
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return undefined;
  const d = doc as KubeconfigDoc;
  return typeof d.apiVersion === 'string' && Array.isArray(d.clusters) ? d : undefined;
}

const SECRET_FIELDS = ['token', 'client-key-data', 'password'] as const;

function secretsOf(doc: KubeconfigDoc): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [i, u] of (Array.isArray(doc.users) ? doc.users : []).entries())
    for (const f of SECRET_FIELDS) {
      const v = u?.user?.[f];
      if (typeof v === 'string' && v) out[`KUBECONFIG_${f.replace(/-/g, '_').toUpperCase()}_${i}`] = v;
    }
  return out;
}

/** Writes file-backed credentials to 0600 files in a fresh 0700 dir; invariant: the parent env is never touched. */
export function materializeCredentials(
  credentials: Readonly<Record<string, string>>,
): MaterializedCredentials {
  const env = { ...credentials };
  const kube = env.KUBECONFIG === undefined ? undefined : kubeconfigContents(env.KUBECONFIG);
  if (!kube) return { env, embeddedSecrets: {}, cleanup() {} };
  // mkdtemp creates the directory 0700; the file is created 0600 and never existed before (wx).
  const dir = mkdtempSync(join(tmpdir(), 'jitsudo-cred-'));
  const file = join(dir, 'kubeconfig');
  let done = false;
  const cleanup = () => {
    if (done) return;
    done = true;
    process.off('exit', cleanup);
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', cleanup);
  try {
    writeFileSync(file, env.KUBECONFIG!, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    cleanup();
    throw e;
  }
  env.KUBECONFIG = file;
  return { env, embeddedSecrets: secretsOf(kube), cleanup };
}
