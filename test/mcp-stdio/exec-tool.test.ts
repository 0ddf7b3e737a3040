/**
 * exec_with_access against real child processes (the grant is a plain object here; the end-to-end
 * suite fetches it from a real jitsudod): no shell, env-only credentials, redaction across chunk
 * boundaries and at the size cap, timeouts, errors.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/client/errors.js';
import { type ExecDeps, type ExecInput, execWithAccess } from '../../src/mcp-stdio/exec-tool.js';

const SECRET = 'sk-live-0123456789abcdefghij';
const node = process.execPath;

function deps(over: Partial<ExecDeps> = {}): ExecDeps {
  return {
    fetchGrant: async (id) => ({
      request_id: id,
      credentials: { API_SECRET: SECRET, SHORT: 'abc' },
      expires_at: new Date(Date.now() + 60_000).toISOString(),
    }),
    baseEnv: { PATH: process.env.PATH },
    extraSecrets: { JITSUDO_TOKEN: 'jit_agt_this-is-the-agent-token' },
    maxOutputBytes: 4096,
    killGraceMs: 300,
    ...over,
  };
}

const run = async (input: Partial<ExecInput> & { argv: string[] }, d = deps()) => {
  const out = await execWithAccess(d, { request_id: 'req_1', ...input });
  if (!out.ok) throw new Error(`unexpected error: ${out.message}`);
  return out.result;
};

describe('exec_with_access', () => {
  it('puts the credentials in the child env and redacts them from the output; exit code propagates', async () => {
    const r = await run({
      argv: [
        node,
        '-e',
        'console.log(process.env.API_SECRET); console.error("e:" + process.env.API_SECRET); process.exit(3)',
      ],
    });
    expect(r).toMatchObject({
      exit_code: 3,
      signal: null,
      stdout: '[REDACTED:API_SECRET]\n',
      stderr: 'e:[REDACTED:API_SECRET]\n',
      truncated: false,
      timed_out: false,
      redacted: ['API_SECRET'],
    });
    expect(JSON.stringify(r)).not.toContain(SECRET);
    expect(r.notes.join(' ')).toMatch(/shorter than 6 characters.*SHORT/);
  });

  it('runs without a shell: $VARS and globs are not expanded', async () => {
    const r = await run({ argv: ['echo', '$API_SECRET', '*'] });
    expect(r.stdout).toBe('$API_SECRET *\n');
  });

  it('redacts a value written one byte at a time (split across every chunk boundary) and its base64', async () => {
    const script = `const s = process.env.API_SECRET; (async () => { for (const ch of s) { process.stdout.write(ch); await new Promise(r => setTimeout(r, 2)); } process.stdout.write("\\n" + Buffer.from("x" + s).toString("base64") + "\\n"); })()`;
    const r = await run({ argv: [node, '-e', script] });
    expect(r.stdout.split('\n')[0]).toBe('[REDACTED:API_SECRET]');
    expect(r.stdout).toContain('[REDACTED:API_SECRET]');
    expect(r.stdout).not.toContain(SECRET.slice(0, 8));
    expect(r.stdout).not.toContain(Buffer.from(`x${SECRET}`).toString('base64').slice(4, 20));
  });

  it('the agent token is neither in the child env nor in the output', async () => {
    const r = await run({
      argv: [
        node,
        '-e',
        'console.log(String(process.env.JITSUDO_TOKEN)); console.log("jit_agt_this-is-the-agent-token")',
      ],
    });
    expect(r.stdout).toBe('undefined\n[REDACTED:JITSUDO_TOKEN]\n');
  });

  it('truncates at the cap, says so, and leaves no secret prefix at the cut', async () => {
    // The secret starts 10 bytes before the cap: the cut falls inside it.
    const script = 'process.stdout.write("a".repeat(4086) + process.env.API_SECRET + "b".repeat(100000))';
    const r = await run({ argv: [node, '-e', script] });
    expect(r.truncated).toBe(true);
    expect(r.stdout_bytes).toBe(4086 + SECRET.length + 100000);
    expect(r.stdout.startsWith('a'.repeat(4086))).toBe(true);
    expect(r.stdout.endsWith('[REDACTED:API_SECRET]')).toBe(true);
    expect(r.stdout).not.toContain(SECRET.slice(0, 5));
    expect(r.notes.join(' ')).toMatch(/truncated to 4096 bytes/);
  });

  it('kills the whole process group on timeout', async () => {
    const started = Date.now();
    const r = await run({ argv: ['sh', '-c', 'sleep 30 & sleep 30; echo never'], timeout_seconds: 1 });
    expect(r.timed_out).toBe(true);
    expect(r.signal).toBe('SIGTERM');
    expect(r.exit_code).toBeNull();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.notes.join(' ')).toMatch(/killed after 1 s/);
  });

  it('a command ignoring SIGTERM is SIGKILLed after the grace period', async () => {
    const r = await run({
      argv: [node, '-e', 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000)'],
      timeout_seconds: 1,
    });
    expect(r).toMatchObject({ timed_out: true, signal: 'SIGKILL' });
  });

  it('passes stdin and honours cwd', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jitsudo-exec-'));
    const r = await run({
      argv: [
        node,
        '-e',
        'process.stdin.pipe(process.stdout); process.stdin.on("end", () => console.log(process.cwd()))',
      ],
      stdin: 'hello ',
      cwd: dir,
    });
    expect(r.stdout).toBe(`hello ${dir}\n`);
  });

  it('clear errors: missing command, missing cwd, grant not ACTIVE, someone else’s request', async () => {
    const missing = await execWithAccess(deps(), { request_id: 'req_1', argv: ['no-such-command-xyz'] });
    expect(missing).toEqual({
      ok: false,
      message: expect.stringMatching(/^command not found: no-such-command-xyz .*without a shell/),
    });
    const noDir = await execWithAccess(deps(), { request_id: 'req_1', argv: ['true'], cwd: '/no/such/dir' });
    expect(noDir).toMatchObject({
      ok: false,
      message: expect.stringMatching(/working directory \/no\/such\/dir does not exist/),
    });
    const pending = deps({
      fetchGrant: async () => {
        throw new ApiError('CONFLICT', 'request req_1 is PENDING, not ACTIVE', 409, undefined, {
          state: 'PENDING',
        });
      },
    });
    expect(await execWithAccess(pending, { request_id: 'req_1', argv: ['true'] })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/PENDING, not ACTIVE yet: call wait_for_request/),
    });
    const notMine = deps({
      fetchGrant: async () => {
        throw new ApiError('NOT_FOUND', 'request req_1 not found', 404);
      },
    });
    expect(await execWithAccess(notMine, { request_id: 'req_1', argv: ['true'] })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/not found, or it is not yours/),
    });
  });
});
