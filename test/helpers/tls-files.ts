/** TLS material on disk for tests: a CA, a server certificate for 127.0.0.1/localhost, client certificates. */

import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PeerCertificate } from 'node:tls';
import { createCa, type IssuedCa, issueCertificate, type Pem } from '../../src/server/certificates.js';

export interface TlsFiles {
  dir: string;
  ca: IssuedCa;
  caFile: string;
  certFile: string;
  keyFile: string;
}

export function writePem(dir: string, name: string, pem: Pem): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  writeFileSync(cert, pem.cert, { mode: 0o600 });
  writeFileSync(key, pem.key, { mode: 0o600 });
  return { cert, key };
}

/** A fresh CA and a server certificate it signed, written into a new 0700 directory. */
export async function serverTlsFiles(name = 'test'): Promise<TlsFiles> {
  const dir = mkdtempSync(join(tmpdir(), `jitsudo-tls-${name}-`));
  chmodSync(dir, 0o700);
  const ca = await createCa(`${name} CA`);
  const caFile = join(dir, 'ca.crt');
  writeFileSync(caFile, ca.cert, { mode: 0o600 });
  const server = await issueCertificate(ca, {
    commonName: 'localhost',
    dns: ['localhost'],
    ips: ['127.0.0.1'],
    usage: 'server',
  });
  const { cert, key } = writePem(dir, 'server', server);
  return { dir, ca, caFile, certFile: cert, keyFile: key };
}

export interface HttpsResult {
  status: number;
  body: string;
  peer: PeerCertificate;
}

/** One HTTPS request with its own trust anchors and optional client certificate (no pooling). */
export function httpsRequest(
  url: string,
  o: { ca: string; cert?: string; key?: string; method?: string; headers?: Record<string, string> },
): Promise<HttpsResult> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method: o.method ?? 'GET',
        headers: o.headers,
        ca: o.ca,
        cert: o.cert,
        key: o.key,
        agent: false,
        timeout: 20_000,
      },
      (res) => {
        const peer = (res.socket as import('node:tls').TLSSocket).getPeerCertificate();
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode!, body, peer }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(o.method && o.method !== 'GET' ? '{}' : undefined);
  });
}
