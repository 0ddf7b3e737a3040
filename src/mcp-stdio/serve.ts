/**
 * Runs the proxy on this process's stdin/stdout until the client closes stdin or we get SIGTERM /
 * SIGINT; then ends any command still running. stdout carries only MCP messages: diagnostics go
 * to stderr.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createStdioProxy, type ProxyOptions } from './proxy.js';
import { killAllCommands } from './run-command.js';

/** Serves until the MCP client goes away; resolves after clean-up. */
export async function serveStdio(opts: ProxyOptions): Promise<void> {
  const proxy = await createStdioProxy(opts);
  const transport = new StdioServerTransport();
  let stopped: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    stopped = resolve;
  });
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    killAllCommands();
    await proxy.close().catch(() => {});
    for (const sig of ['SIGTERM', 'SIGINT'] as const) process.off(sig, onSignal);
    stopped();
  };
  const onSignal = () => void shutdown();
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, onSignal);
  process.stdin.once('end', onSignal);
  process.stdin.once('close', onSignal);
  transport.onclose = onSignal;
  await proxy.server.connect(transport);
  await done;
  process.stdin.destroy();
}
