/**
 * An app on a real socket (@hono/node-server, as jitsudod serves it) and two clients that control
 * every header byte: `send` (node:http, for Host and Origin, which fetch may rewrite) and `raw`
 * (a TCP socket, for what node:http would not send at all, such as HTTP/1.0 without Host).
 */
import http from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { serve } from '@hono/node-server';

export interface Served {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves `fetch` on 127.0.0.1 at a free port. */
export function serveApp(app: { fetch: (req: Request, ...rest: any[]) => Response | Promise<Response> }) {
  return new Promise<Served>((resolve) => {
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        close: () =>
          new Promise<void>((done) => {
            (server as http.Server).closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/** One request through node:http; `headers` are sent as given (Host included). */
export function send(
  url: string,
  o: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {},
): Promise<RawResponse> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        method: o.method ?? 'GET',
        path: `${u.pathname}${u.search}`,
        headers: o.headers,
        agent: false,
        timeout: o.timeoutMs ?? 30_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          text += d;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: Object.fromEntries(
              Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]),
            ),
            text,
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} in ${o.timeoutMs ?? 30_000} ms`)));
    req.on('error', reject);
    req.end(o.body);
  });
}

/** Writes `request` verbatim on a new TCP connection and reads until the server closes it. */
export function raw(port: number, request: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    socket.setTimeout(30_000, () => socket.destroy(new Error('no answer in 30 s')));
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', reject);
    socket.on('close', () => {
      const all = Buffer.concat(chunks).toString('utf8');
      const split = all.indexOf('\r\n\r\n');
      const head = all.slice(0, split).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of head.slice(1)) {
        const i = line.indexOf(':');
        headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      resolve({ status: Number(head[0]?.split(' ')[1] ?? 0), headers, text: all.slice(split + 4) });
    });
    socket.write(request);
  });
}
