/**
 * exec_with_access: runs a command locally with an ACTIVE grant's credentials in the child's
 * environment only, and returns its exit status and output with every credential value redacted.
 * The credentials are fetched per call (a revoke takes effect at once) and are never cached,
 * logged or returned.
 */
import { statSync } from 'node:fs';
import { z } from 'zod';
import { ApiError } from '../client/errors.js';
import type { Grant } from '../client/types.js';
import { materializeCredentials } from '../core/providers/materialize.js';
import { createRedactor, type Redactor } from './redact.js';
import { type RunResult, runCommand, SpawnError } from './run-command.js';

export const EXEC_TOOL_NAME = 'exec_with_access';
export const MAX_TIMEOUT_SECONDS = 600;
export const DEFAULT_TIMEOUT_SECONDS = 60;
const MAX_STDIN = 1024 * 1024;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MARKER = /\[REDACTED:([A-Za-z0-9_]+)\]/g;

export const ExecInput = z
  .object({
    request_id: z
      .string()
      .min(1)
      .max(64)
      .describe('id (req_…) of YOUR request that is ACTIVE; see request_access and wait_for_request'),
    argv: z
      .array(z.string().max(32 * 1024))
      .min(1)
      .max(256)
      .refine((a) => a.length === 0 || a[0]!.length > 0, 'argv[0] (the program) must not be empty')
      .describe(
        'program and arguments, e.g. ["aws","s3","ls"]. No shell: nothing is expanded; to use shell syntax pass ["sh","-c","…"]',
      ),
    cwd: z
      .string()
      .min(1)
      .max(4096)
      .optional()
      .describe('working directory (default: where jitsudo mcp runs)'),
    timeout_seconds: z
      .number()
      .int()
      .min(1)
      .max(MAX_TIMEOUT_SECONDS)
      .optional()
      .describe(
        `kill the command after this many seconds, 1–${MAX_TIMEOUT_SECONDS} (default ${DEFAULT_TIMEOUT_SECONDS})`,
      ),
    stdin: z
      .string()
      .max(MAX_STDIN)
      .optional()
      .describe('text written to the command’s standard input (max 1 MiB)'),
  })
  .strict();
export type ExecInput = z.infer<typeof ExecInput>;

export const ExecOutput = z.object({
  request_id: z.string(),
  exit_code: z.number().int().nullable().describe('null when the command was ended by a signal'),
  signal: z.string().nullable().describe('e.g. SIGTERM when killed on timeout'),
  stdout: z.string().describe('standard output, credential values replaced by [REDACTED:<NAME>]'),
  stderr: z.string().describe('standard error, redacted the same way'),
  truncated: z.boolean().describe('true when stdout or stderr was cut at the size limit'),
  stdout_bytes: z.number().int().describe('bytes the command wrote to stdout (before truncation)'),
  stderr_bytes: z.number().int().describe('bytes the command wrote to stderr (before truncation)'),
  timed_out: z.boolean(),
  duration_ms: z.number().int(),
  redacted: z.array(z.string()).describe('names of credentials whose values appeared in the output'),
  notes: z.array(z.string()),
});
export type ExecOutput = z.infer<typeof ExecOutput>;

export const EXEC_DESCRIPTION = [
  'Run a command on this machine with the credentials of one of YOUR ACTIVE access requests, without ever seeing them.',
  'The credentials go into the command’s environment only (e.g. AWS_ACCESS_KEY_ID for aws); the result has the',
  'exit code, stdout and stderr with every credential value replaced by [REDACTED:<NAME>]. argv runs without a shell.',
  'Call request_access first, then wait_for_request until the request is ACTIVE; release_access when done.',
  'Output is capped per stream (truncated: true says so); the command is killed after timeout_seconds.',
].join(' ');

export interface ExecDeps {
  /** GET /requests/{id}/credentials with the agent's token. */
  fetchGrant(id: string): Promise<Grant>;
  /** The child's base environment (ours, without our own token). */
  baseEnv: NodeJS.ProcessEnv;
  /** Other secrets that must never be printed (our bearer token). */
  extraSecrets: Record<string, string>;
  maxOutputBytes: number;
  killGraceMs?: number;
}

/** What the tool returns: structured result, or an actionable error sentence. */
export type ExecOutcome = { ok: true; result: ExecOutput } | { ok: false; message: string };

/** Runs the tool; invariant: no credential value reaches the returned object, in any listed form. */
export async function execWithAccess(
  deps: ExecDeps,
  input: ExecInput,
  run: { onTick?: (elapsedMs: number) => void; signal?: AbortSignal } = {},
): Promise<ExecOutcome> {
  if (input.cwd !== undefined && !isDirectory(input.cwd))
    return { ok: false, message: `working directory ${input.cwd} does not exist or is not a directory` };
  let grant: Grant;
  try {
    grant = await deps.fetchGrant(input.request_id);
  } catch (e) {
    return { ok: false, message: grantError(input.request_id, e) };
  }
  const notes: string[] = [];
  const credEnv: Record<string, string> = {};
  for (const [name, value] of Object.entries(grant.credentials)) {
    if (ENV_NAME.test(name)) credEnv[name] = value;
    else notes.push(`a credential with an invalid variable name was not set (${name.slice(0, 40)})`);
  }
  // KUBECONFIG contents go to a 0600 file for this command only; its token is redacted on its own too.
  const files = materializeCredentials(credEnv);
  const redactor = createRedactor({ ...deps.extraSecrets, ...grant.credentials, ...files.embeddedSecrets });
  if (redactor.unredacted.length)
    notes.push(
      `values shorter than 6 characters are not redacted (not secret-sized): ${redactor.unredacted.join(', ')}`,
    );
  const margin = 4 * redactor.longestForm + 64;
  let res: RunResult;
  try {
    res = await runCommand({
      argv: input.argv,
      cwd: input.cwd,
      stdin: input.stdin,
      env: { ...deps.baseEnv, ...files.env },
      timeoutMs: (input.timeout_seconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
      keepBytes: deps.maxOutputBytes + margin,
      killGraceMs: deps.killGraceMs,
      onTick: run.onTick,
      signal: run.signal,
    });
  } catch (e) {
    if (e instanceof SpawnError) return { ok: false, message: spawnMessage(e) };
    throw e;
  } finally {
    files.cleanup();
  }
  const out = clean(res.stdout, deps.maxOutputBytes, redactor);
  const err = clean(res.stderr, deps.maxOutputBytes, redactor);
  const truncated = out.truncated || err.truncated;
  if (truncated)
    notes.push(
      `output truncated to ${deps.maxOutputBytes} bytes per stream (stdout ${res.stdout.total} bytes, stderr ${res.stderr.total} bytes); narrow the command or write to a file`,
    );
  if (res.timedOut)
    notes.push(`killed after ${input.timeout_seconds ?? DEFAULT_TIMEOUT_SECONDS} s (timeout_seconds)`);
  const redacted = [...new Set([...out.names, ...err.names])].sort();
  // Belt and braces: the notes are ours, but they pass the redactor like everything else.
  return {
    ok: true,
    result: {
      request_id: grant.request_id,
      exit_code: res.exitCode,
      signal: res.signal,
      stdout: out.text,
      stderr: err.text,
      truncated,
      stdout_bytes: res.stdout.total,
      stderr_bytes: res.stderr.total,
      timed_out: res.timedOut,
      duration_ms: res.durationMs,
      redacted,
      notes: notes.map((n) => redactor.redact(n)),
    },
  };
}

/** Decodes, redacts on the whole captured text, then cuts to the cap and redacts a cut-off fragment. */
function clean(
  c: { bytes: Buffer; total: number },
  cap: number,
  r: Redactor,
): { text: string; truncated: boolean; names: string[] } {
  // Redact what was kept (cap + a margin longer than any form) as one text, so a value that
  // straddles the cap is recognised whole before the cut.
  let text = r.redact(c.bytes.toString('utf8'));
  const truncated = c.total > cap;
  if (truncated) {
    // Cut on a character boundary at most `cap` bytes in (never inside a marker), then clear any
    // secret prefix left at the cut.
    let cut = Buffer.from(text)
      .subarray(0, cap)
      .toString('utf8')
      .replace(/\uFFFD+$/, '').length;
    for (const m of text.matchAll(MARKER))
      if (m.index < cut && cut < m.index + m[0].length) cut = m.index + m[0].length;
    text = r.redactTail(text.slice(0, cut));
  }
  const names = [...text.matchAll(MARKER)].map((m) => m[1]!);
  return { text, truncated, names };
}

function grantError(id: string, e: unknown): string {
  if (!(e instanceof ApiError)) return `cannot fetch the credentials of ${id}: ${(e as Error).message}`;
  const state = typeof e.details?.state === 'string' ? e.details.state : undefined;
  switch (e.code) {
    case 'NOT_FOUND':
      return `request ${id} not found, or it is not yours: exec_with_access runs only with requests you made (see list_my_requests)`;
    case 'CONFLICT':
      if (state === 'PENDING' || state === 'APPROVED')
        return `request ${id} is ${state}, not ACTIVE yet: call wait_for_request until it is ACTIVE, then exec_with_access again`;
      return `${e.message}: its credentials are gone; make a new request with request_access if you still need access`;
    case 'FORBIDDEN':
      return `${e.message}; exec_with_access needs a request you made yourself, with this MCP server's own token`;
    case 'UNAUTHENTICATED':
      return `jitsudod rejected this MCP server's token (${e.message}); ask its owner for a new agent token`;
    default:
      return `cannot fetch the credentials of ${id}: ${e.message}`;
  }
}

function spawnMessage(e: SpawnError): string {
  if (e.code === 'ENOENT')
    return `${e.message} (argv runs without a shell: give the program and its arguments as separate items, e.g. ["ls","-l"])`;
  return e.message;
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
