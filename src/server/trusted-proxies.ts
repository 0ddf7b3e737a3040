/**
 * With `http.behind_tls_proxy`, TLS ends at the proxy and jitsudod listens in plain HTTP: a peer that
 * is not one of `http.trusted_proxies` would bypass TLS by connecting directly, so its connection is
 * closed before a byte is read.
 */
import type { Server } from 'node:net';
import type { Logger } from 'pino';

const normalize = (a: string) => (a.startsWith('::ffff:') ? a.slice(7) : a);

export function onlyTrustedProxies(server: Server, proxies: readonly string[], log: Logger): void {
  const allowed = new Set(proxies.map(normalize));
  server.on('connection', (socket) => {
    const peer = normalize(socket.remoteAddress ?? '');
    if (allowed.has(peer)) return;
    log.warn({ peer }, 'connection refused: not from http.trusted_proxies (behind_tls_proxy)');
    socket.destroy();
  });
}
