#!/usr/bin/env node
// Probes jitsudod from inside its own container or pod: Docker's HEALTHCHECK and the Helm chart's
// exec probes. It runs where a kubelet's HTTP probe cannot: behind `client_auth: require` (it
// presents the client certificate the CLI would) and behind `http.behind_tls_proxy` (it dials from
// loopback, which the trusted-proxy list may name, where the node's address is refused).
//
// Usage: node healthcheck.mjs [/healthz|/readyz]. The base URL is JITSUDO_HEALTHCHECK_URL, else
// derived from JITSUDOD_HTTP_ADDR (loopback, same port) and JITSUDOD_TLS_CERT_FILE (https when set).
// Client certificate: JITSUDO_CLIENT_CERT_FILE + JITSUDO_CLIENT_KEY_FILE, the CLI's variables.
// Exit 0 on HTTP 200 within the timeout, 1 otherwise; prints one line and never a secret.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';

const TIMEOUT_MS = Number(process.env.JITSUDO_HEALTHCHECK_TIMEOUT_MS ?? 4000);
const path = process.argv[2] ?? '/healthz';
if (path !== '/healthz' && path !== '/readyz') fail(`unknown path ${path} (use /healthz or /readyz)`);

function baseUrl(env) {
  if (env.JITSUDO_HEALTHCHECK_URL) return env.JITSUDO_HEALTHCHECK_URL.replace(/\/+$/, '');
  const addr = env.JITSUDOD_HTTP_ADDR ?? '127.0.0.1:8080';
  const port = addr.slice(addr.lastIndexOf(':') + 1);
  const host = addr.startsWith('[') ? '[::1]' : '127.0.0.1';
  return `${env.JITSUDOD_TLS_CERT_FILE ? 'https' : 'http'}://${host}:${port}`;
}

function fail(message) {
  process.stderr.write(`healthcheck: ${message}\n`);
  process.exit(1);
}

const url = new URL(path, `${baseUrl(process.env)}/`);
const tls = url.protocol === 'https:';
const options = { method: 'GET', timeout: TIMEOUT_MS, headers: { 'user-agent': 'jitsudo-healthcheck' } };
if (tls) {
  // Loopback to our own process: the server certificate names the public host, not 127.0.0.1, and
  // nothing secret is sent, so the peer is not verified. The client key only signs the handshake.
  options.rejectUnauthorized = false;
  const certFile = process.env.JITSUDO_CLIENT_CERT_FILE;
  const keyFile = process.env.JITSUDO_CLIENT_KEY_FILE;
  if (certFile && keyFile) {
    try {
      options.cert = readFileSync(certFile);
      options.key = readFileSync(keyFile);
    } catch (e) {
      fail(`cannot read the client certificate or key (${e.code ?? 'error'})`);
    }
  }
}

const req = (tls ? https : http).request(url, options, (res) => {
  res.resume();
  res.on('end', () => {
    if (res.statusCode === 200) {
      process.stdout.write(`healthcheck: ${url.pathname} ok\n`);
      process.exit(0);
    }
    fail(`${url.pathname} answered ${res.statusCode}`);
  });
});
req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
req.on('error', (e) => fail(`${url.origin}${url.pathname}: ${e.message}`));
req.end();
