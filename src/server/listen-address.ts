import { createServer } from 'node:net';
import { AppError } from '../core/errors.js';

export interface ListenAddress {
  /** Host to bind; '0.0.0.0' / '::' for all interfaces. */
  host: string;
  port: number;
}

/** Parses `127.0.0.1:8080`, `localhost:0`, `[::1]:8080`, `:8080` (all interfaces) or `8080`. */
export function parseListenAddress(addr: string): ListenAddress {
  const bad = () =>
    new AppError('VALIDATION', `invalid listen address "${addr}": use host:port, e.g. 127.0.0.1:8080`);
  let host: string;
  let portText: string;
  const v6 = /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(addr);
  if (v6) [host, portText] = [v6[1]!, v6[2]!];
  else if (/^\d+$/.test(addr)) [host, portText] = ['127.0.0.1', addr];
  else {
    const i = addr.lastIndexOf(':');
    if (i < 0) throw bad();
    host = addr.slice(0, i) || '0.0.0.0';
    portText = addr.slice(i + 1);
    if (host.includes(':')) throw bad();
  }
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw bad();
  return { host, port };
}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** The refusal for a taken port; names what changes it (the `serve` flag, the variable, the key). */
export function addressInUse(host: string, port: number): AppError {
  return new AppError(
    'VALIDATION',
    `cannot listen on ${host}:${port}: address already in use (another jitsudod?); choose another with --addr host:port, JITSUDOD_HTTP_ADDR or http.addr in the config file`,
  );
}

/**
 * Throws addressInUse when `addr` cannot be bound right now: checked before the database is opened,
 * so a taken port is reported in a moment rather than after start-up work. (The real listen later
 * reports the same if the port is taken in between.)
 */
export function assertAddressFree(addr: ListenAddress): Promise<void> {
  if (addr.port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'EADDRINUSE' ? addressInUse(addr.host, addr.port) : e),
    );
    probe.listen({ host: addr.host, port: addr.port, exclusive: true }, () => probe.close(() => resolve()));
  });
}
