/** The listener's log of refused TLS handshakes: one line each, capped per window, never silent about the rest. */
import { EventEmitter } from 'node:events';
import type { Server as TlsServer } from 'node:tls';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { logRefusedHandshakes } from '../../src/server/refused-handshakes.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('logRefusedHandshakes', () => {
  it('logs code, reason and peer; past the cap it counts, and the next window reports the count', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-07T10:00:00Z'));
    const lines: any[] = [];
    const server = new EventEmitter();
    logRefusedHandshakes(
      server as unknown as TlsServer,
      pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s)) }),
      2,
      10_000,
    );
    const refuse = (remote?: string) =>
      server.emit(
        'tlsClientError',
        Object.assign(new Error('certificate verify failed'), { code: 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA' }),
        { remoteAddress: remote },
      );
    refuse('10.0.0.1');
    refuse();
    refuse('10.0.0.3');
    refuse('10.0.0.4');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      msg: 'TLS handshake refused',
      remote: '10.0.0.1',
      tls_error: 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
      reason: 'certificate verify failed',
    });
    expect(lines[1].remote).toBeUndefined();
    vi.setSystemTime(new Date('2026-12-07T10:00:10Z'));
    refuse('10.0.0.5');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatchObject({ remote: '10.0.0.5', suppressed_before: 2 });
  });
});
