/**
 * Where SIEM batches go (ADR 0049): JSON lines POSTed over HTTPS, or RFC 5424 syslog over TCP or
 * TLS with octet-counting frames. A send resolves to ok only once the receiver took the batch
 * (HTTPS: a 2xx; syslog: the bytes were written to the socket — syslog has no application-level
 * acknowledgement, see the ADR); every wait is bounded by timeout_ms.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { hostname } from 'node:os';
import tls from 'node:tls';
import type { SiemRecord } from '../../core/audit/siem-feed.js';
import { AppError } from '../../core/errors.js';
import type { SiemConfig } from '../../core/outbox/config.js';
import { octetFrame, siemJson, syslogMessage } from './format.js';

export type SendResult = { ok: true } | { ok: false; error: string; retryAfterMs?: number };

export interface SiemTransport {
  send(rows: readonly SiemRecord[], signal: AbortSignal): Promise<SendResult>;
  close(): void;
}

function readKeyFile(path: string, key: string, index: number): string {
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (e) {
    throw new AppError(
      'VALIDATION',
      `invalid config key notifications.siem.${index}.${key}: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}

/** The transport `c` names (files read now: a bad one throws naming its key). */
export function siemTransport(c: SiemConfig, index: number): SiemTransport {
  const ca = c.ca_file ? readKeyFile(c.ca_file, 'ca_file', index) : undefined;
  const url = new URL(c.url);
  if (url.protocol === 'https:' || url.protocol === 'http:') {
    const token = c.token_file ? readKeyFile(c.token_file, 'token_file', index) : undefined;
    return new JsonLinesTransport(url, c, ca, token);
  }
  return new SyslogTransport(url, c, ca);
}

class JsonLinesTransport implements SiemTransport {
  constructor(
    readonly url: URL,
    readonly c: SiemConfig,
    readonly ca: string | undefined,
    readonly token: string | undefined,
  ) {}

  send(rows: readonly SiemRecord[], signal: AbortSignal): Promise<SendResult> {
    const body = `${rows.map((r) => siemJson(r, this.c.format)).join('\n')}\n`;
    const mod = this.url.protocol === 'https:' ? https : http;
    return new Promise((resolve) => {
      const req = mod.request(this.url, {
        method: 'POST',
        ca: this.ca,
        agent: false,
        signal,
        timeout: this.c.timeout_ms,
        headers: {
          'content-type': 'application/x-ndjson',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'jitsudod-siem',
          'x-jitsudo-first-id': String(rows[0]!.id),
          'x-jitsudo-last-id': String(rows.at(-1)!.id),
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        },
      });
      const timer = setTimeout(
        () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })),
        this.c.timeout_ms,
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      req.on('error', (e) => {
        clearTimeout(timer);
        resolve({ ok: false, error: `network error: ${(e as NodeJS.ErrnoException).code ?? e.name}` });
      });
      req.on('response', (res) => {
        res.resume(); // the receiver's body is not ours to keep
        res.on('end', () => {
          clearTimeout(timer);
          const s = res.statusCode ?? 0;
          if (s >= 200 && s < 300) return resolve({ ok: true });
          const ra = Number(res.headers['retry-after']);
          resolve({
            ok: false,
            error: `HTTP ${s}`,
            ...(ra > 0 ? { retryAfterMs: Math.min(ra, 3600) * 1000 } : {}),
          });
        });
        const aborted = () => {
          clearTimeout(timer);
          resolve({ ok: false, error: 'network error: response aborted' }); // no-op after 'end' resolved
        };
        res.on('error', aborted);
        res.on('close', () => {
          if (!res.complete) aborted();
        });
      });
      req.end(body);
    });
  }

  close(): void {}
}

class SyslogTransport implements SiemTransport {
  #socket: net.Socket | undefined;
  readonly #host = hostname();

  constructor(
    readonly url: URL,
    readonly c: SiemConfig,
    readonly ca: string | undefined,
  ) {}

  /** One long-lived connection, made on first use and again after any error. */
  #connect(): Promise<net.Socket> {
    if (this.#socket && !this.#socket.destroyed) return Promise.resolve(this.#socket);
    const port = Number(this.url.port) || (this.url.protocol === 'syslog+tls:' ? 6514 : 601);
    const host = this.url.hostname.replace(/^\[|\]$/g, '');
    return new Promise((resolve, reject) => {
      const s =
        this.url.protocol === 'syslog+tls:'
          ? tls.connect({ host, port, ca: this.ca, servername: net.isIP(host) ? undefined : host })
          : net.connect({ host, port });
      const ready = this.url.protocol === 'syslog+tls:' ? 'secureConnect' : 'connect';
      // One listener for the socket's life; each wait arms it with setTimeout(ms) and disarms it with 0.
      s.on('timeout', () => s.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      s.setTimeout(this.c.timeout_ms);
      const failed = (e: Error) => {
        s.destroy();
        reject(e);
      };
      s.on('error', failed);
      s.once(ready, () => {
        s.off('error', failed);
        s.on('error', () => s.destroy()); // later errors surface on the next write
        // Anything the receiver says is ignored; its closing the connection is noticed on write.
        s.on('data', () => {});
        s.on('end', () => s.destroy());
        s.setTimeout(0); // an idle connection is kept; each send sets its own bound
        this.#socket = s;
        resolve(s);
      });
    });
  }

  async send(rows: readonly SiemRecord[], signal: AbortSignal): Promise<SendResult> {
    let s: net.Socket;
    try {
      s = await this.#connect();
    } catch (e) {
      return { ok: false, error: `network error: ${(e as NodeJS.ErrnoException).code ?? (e as Error).name}` };
    }
    const payload = rows.map((r) => octetFrame(syslogMessage(r, this.c.format, this.#host))).join('');
    return new Promise((resolve) => {
      const onAbort = () => s.destroy();
      signal.addEventListener('abort', onAbort, { once: true });
      // A receiver that stops reading fills the buffers: the write never completes; cut it.
      s.setTimeout(this.c.timeout_ms);
      s.write(payload, 'utf8', (err) => {
        s.setTimeout(0);
        signal.removeEventListener('abort', onAbort);
        if (!err && !s.destroyed) return resolve({ ok: true });
        s.destroy();
        resolve({
          ok: false,
          error: `network error: ${(err as NodeJS.ErrnoException | undefined)?.code ?? 'closed'}`,
        });
      });
    });
  }

  close(): void {
    this.#socket?.destroy();
  }
}
