/**
 * A fetch over node:https with the caller's own trust anchors and client certificate, for a server
 * behind a private CA or mTLS (the global fetch takes neither without an extra package).
 */
import https from 'node:https';
import { Readable } from 'node:stream';

export interface ClientTls {
  /** PEM of the CA(s) that sign the server's certificate (in addition to nothing: only these). */
  ca?: string;
  /** PEM client certificate and key, for mTLS. */
  cert?: string;
  key?: string;
}

export function tlsFetch(tls: ClientTls): (url: string, init: RequestInit) => Promise<Response> {
  // One agent per client: connections are reused, and the certificates are parsed once.
  const agent = new https.Agent({ ca: tls.ca, cert: tls.cert, key: tls.key, keepAlive: true });
  return (url, init) =>
    new Promise((resolve, reject) => {
      const u = new URL(url);
      if (u.protocol !== 'https:') {
        reject(new Error(`TLS settings are given but the server URL is ${u.protocol}// (use https://)`));
        return;
      }
      const req = https.request(
        u,
        {
          method: init.method ?? 'GET',
          // A Headers instance (the MCP SDK passes one), an array of pairs or a plain object.
          headers: Object.fromEntries(new Headers(init.headers).entries()),
          agent,
          signal: init.signal ?? undefined,
        },
        (res) => {
          // Streamed, not buffered: the MCP bridge reads server-sent events through this fetch.
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers))
            if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
          const status = res.statusCode ?? 502;
          if (status === 204 || status === 304) {
            res.resume();
            resolve(new Response(null, { status, headers }));
            return;
          }
          resolve(new Response(Readable.toWeb(res) as ReadableStream<Uint8Array>, { status, headers }));
        },
      );
      req.on('error', reject);
      req.end(typeof init.body === 'string' ? init.body : undefined);
    });
}
