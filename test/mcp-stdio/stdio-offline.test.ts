/** `jitsudo mcp` without a reachable jitsudod, and without a token: clear failures, no hang. */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { cleanEnv, tempHome } from '../e2e/support/processes.js';
import { errorText, JITSUDO_BIN, stdioClient } from './support.js';

/** A loopback port nobody listens on (taken, then released). */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((res) => s.listen(0, '127.0.0.1', res));
  const port = (s.address() as { port: number }).port;
  await new Promise((res) => s.close(res));
  return port;
}

describe('jitsudo mcp without a server', () => {
  it('starts anyway; tools/list and calls say the server cannot be reached', async () => {
    const url = `http://127.0.0.1:${await deadPort()}`;
    const mcp = await stdioClient(url, 'jit_agt_not-a-real-token-but-shaped-like-none');
    await expect(mcp.client.listTools()).rejects.toThrow(`cannot reach jitsudod at ${url}: ECONNREFUSED`);
    const x = await mcp.client.callTool({
      name: 'exec_with_access',
      arguments: { request_id: 'req_1', argv: ['true'] },
    });
    expect(x.isError).toBe(true);
    expect(errorText(x)).toMatch(/cannot fetch the credentials of req_1: cannot reach jitsudod/);
    const fwd = await mcp.client
      .callTool({ name: 'get_request', arguments: { request_id: 'req_1' } })
      .catch((e) => e);
    expect(String(fwd.message ?? errorText(fwd))).toMatch(/cannot reach jitsudod/);
    expect(mcp.stderr()).toMatch(/retrying on the next call/);
    await mcp.close();
  });

  it('without any token it exits 3 with one error line', async () => {
    const proc = spawn(process.execPath, [JITSUDO_BIN, 'mcp', '--server', 'http://127.0.0.1:9'], {
      env: cleanEnv({ JITSUDO_HOME: tempHome('mcp-none') }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d) => {
      out += d;
    });
    proc.stderr.on('data', (d) => {
      err += d;
    });
    const code = await new Promise((res) => proc.once('close', res));
    expect(code).toBe(3);
    expect(out).toBe('');
    expect(err.trim().split('\n')).toEqual([expect.stringMatching(/^error: no token: set JITSUDO_TOKEN/)]);
  });
});
