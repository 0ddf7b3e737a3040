/**
 * A lean keep-alive HTTP/1.1 client for load generation (node:http with a pooled Agent). The
 * benchmark's client shares this 2-core machine with the server and the database, so it must cost
 * as little as it can: undici's fetch spent several times more CPU per request than this.
 */
import http from 'node:http';
import https from 'node:https';

export interface HttpAnswer {
  status: number;
  body: string;
}

export class BenchClient {
  readonly #agent: http.Agent;
  readonly #host: string;
  readonly #port: number;
  readonly #request: typeof http.request;

  /** An https: base URL needs `ca` (PEM) to trust the server; the TLS sessions are kept alive like the sockets. */
  constructor(baseUrl: string, sockets: number, tls: { ca?: string } = {}) {
    const u = new URL(baseUrl);
    this.#host = u.hostname;
    this.#port = Number(u.port);
    const secure = u.protocol === 'https:';
    this.#agent = secure
      ? new https.Agent({ keepAlive: true, maxSockets: sockets, ca: tls.ca })
      : new http.Agent({ keepAlive: true, maxSockets: sockets });
    this.#request = secure ? https.request : http.request;
  }

  request(
    method: string,
    path: string,
    body?: string,
    headers: Record<string, string> = {},
    retried = false,
  ): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
      const req = this.#request(
        {
          host: this.#host,
          port: this.#port,
          method,
          path,
          agent: this.#agent,
          headers: {
            ...(body !== undefined
              ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }
              : {}),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', (e: NodeJS.ErrnoException) => {
        // The server closed an idle keep-alive socket as this request went out on it (likelier on a
        // loaded machine): it never reached the server, so send it once more on a fresh socket.
        if (req.reusedSocket && e.code === 'ECONNRESET' && !retried)
          this.request(method, path, body, headers, true).then(resolve, reject);
        else reject(e);
      });
      req.end(body);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}
