/**
 * `exec <id> -- cmd…` and `shell <id>`: fetch the grant's credentials and run a child with them in
 * ITS environment only (never printed, never written to disk), stdio inherited; our exit code is
 * the child's, and a child killed by a signal kills us with the same signal.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { z } from 'zod';
import type { Grant } from '../../client/types.js';
import { materializeCredentials } from '../../core/providers/materialize.js';
import { globalFields, leaf } from '../args.js';
import { authedClient } from '../context.js';
import { childEnv, userShell } from '../env.js';
import { CliError, usageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { note } from '../output.js';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const execCommand = leaf({
  name: 'exec',
  description: 'Run a command with the credentials of an ACTIVE request: jitsudo exec <id> -- cmd args…',
  args: { id: { type: 'positional', description: 'request id', required: true } },
  schema: z.object({ id: z.string().min(1).max(64), ...globalFields }).strict(),
  async run(a, { rest }) {
    if (rest.length === 0) throw usageError('no command given: jitsudo exec <id> -- <command> [args…]');
    const grant = await authedClient(a.server).getCredentials(a.id);
    await runChild(rest[0]!, rest.slice(1), grantEnv(grant));
  },
});

export const shellCommand = leaf({
  name: 'shell',
  description: 'Open $SHELL with the credentials of an ACTIVE request',
  args: {
    id: { type: 'positional', description: 'request id', required: true },
    shell: { type: 'string', description: 'shell to run (default $SHELL, else /bin/sh)' },
  },
  schema: z
    .object({ id: z.string().min(1).max(64), shell: z.string().min(1).optional(), ...globalFields })
    .strict(),
  async run(a, { rest }) {
    if (rest.length) throw usageError('shell takes no command; use `jitsudo exec <id> -- <command>`');
    const grant = await authedClient(a.server).getCredentials(a.id);
    const env = { ...grantEnv(grant), JITSUDO_ELEVATED: '1', JITSUDO_REQUEST_ID: grant.request_id };
    note(`*** jitsudo: elevated shell for ${grant.request_id} ***`);
    note(
      `*** credentials expire at ${grant.expires_at}; exit the shell to leave (the grant stays until expiry or \`jitsudo revoke\`) ***`,
    );
    await runChild(a.shell ?? userShell(), [], env);
  },
});

function grantEnv(grant: Grant): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(grant.credentials)) {
    if (ENV_NAME.test(name)) env[name] = value;
    else note(`jitsudo: skipping credential with an invalid variable name (${name.slice(0, 40)})`);
  }
  if (grant.notice) note(`jitsudo: ${grant.notice}`);
  return env;
}

/** Spawns the child and never returns normally before it ends; sets the exit code or re-raises its signal. */
function runChild(cmd: string, args: string[], extraEnv: Record<string, string>): Promise<void> {
  // KUBECONFIG contents become a 0600 file for the child's lifetime (removed before we re-raise a signal).
  const files = materializeCredentials(extraEnv);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'inherit', env: { ...childEnv(), ...files.env } });
    // The terminal delivers SIGINT/SIGQUIT to the whole foreground group, so the child has them
    // already; we only must not die first. TERM and HUP are sent to us alone: pass them on.
    const ignore = () => {};
    const forward = (sig: NodeJS.Signals) => () => child.kill(sig);
    const handlers: [NodeJS.Signals, () => void][] = [
      ['SIGINT', ignore],
      ['SIGQUIT', ignore],
      ['SIGTERM', forward('SIGTERM')],
      ['SIGHUP', forward('SIGHUP')],
    ];
    for (const [sig, h] of handlers) process.on(sig, h);
    const cleanup = () => {
      for (const [sig, h] of handlers) process.off(sig, h);
      files.cleanup();
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      cleanup();
      if (e.code === 'ENOENT') reject(new CliError(`command not found: ${cmd}`, EXIT.COMMAND_NOT_FOUND));
      else if (e.code === 'EACCES') reject(new CliError(`permission denied: ${cmd}`, 126));
      else reject(new CliError(`cannot run ${cmd}: ${e.message}`, EXIT.ERROR));
    });
    child.on('exit', (code, signal) => {
      cleanup();
      if (signal) {
        process.kill(process.pid, signal);
        // If the signal is ignored or handled elsewhere, fall back to the shell convention.
        process.exitCode = 128 + (signalNumber(signal) ?? 0);
      } else process.exitCode = code ?? EXIT.ERROR;
      resolve();
    });
  });
}

function signalNumber(sig: NodeJS.Signals): number | undefined {
  return constants.signals[sig];
}
