/**
 * A TLS handshake the listener refuses (a client certificate from another CA, none where one is
 * required, plain HTTP on the TLS port) never reaches the app, so the request log cannot see it.
 * This logs it instead: the peer address and the TLS error code, never certificate contents. A burst
 * (a scanner, a misconfigured fleet) is capped at `max` lines a window; the next line counts the rest.
 */
import type { Server as TlsServer } from 'node:tls';
import type { Logger } from 'pino';

export function logRefusedHandshakes(server: TlsServer, log: Logger, max = 10, windowMs = 10_000): void {
  let windowStart = 0;
  let logged = 0;
  let suppressed = 0;
  server.on('tlsClientError', (err: NodeJS.ErrnoException, socket) => {
    const now = Date.now();
    if (now - windowStart >= windowMs) {
      windowStart = now;
      logged = 0;
    }
    if (logged >= max) {
      suppressed++;
      return;
    }
    logged++;
    log.warn(
      {
        // The peer may already be gone (its address with it) when the handshake failed on its side.
        ...(socket.remoteAddress ? { remote: socket.remoteAddress } : {}),
        tls_error: err.code ?? 'unknown',
        reason: err.message.slice(0, 200),
        ...(suppressed ? { suppressed_before: suppressed } : {}),
      },
      'TLS handshake refused',
    );
    suppressed = 0;
  });
}
