/**
 * Authorization code + PKCE (S256) with a loopback redirect (RFC 8252 §7.3): a one-shot listener on
 * 127.0.0.1 at an ephemeral port receives the browser's redirect. The first request to /callback
 * decides: a wrong or missing `state` ends the login (fail closed: it is not ours, or it is forged);
 * other paths get a 404 and are ignored. No answer within the timeout ends the login too.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import { envBrowser } from '../env.js';
import { CliError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import type { Tokens } from './device-flow.js';
import { idpFailure } from './idp.js';

export interface BrowserFlowOptions {
  scope: string;
  audience: string;
  issuer: string;
  note: (line: string) => void;
  /** Opens the URL in a browser (default: $JITSUDO_BROWSER, else the platform's opener). */
  open?: (url: string) => void;
  timeoutMs?: number;
}

export async function browserFlow(config: oidc.Configuration, o: BrowserFlowOptions): Promise<Tokens> {
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  try {
    const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`;
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: o.scope,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      resource: o.audience,
    });
    const answer = waitForCallback(server, state, redirectUri, o.timeoutMs ?? 300_000);
    o.note(`Opening your browser to sign in. If it does not open, visit:\n  ${url.href}`);
    (o.open ?? openBrowser)(url.href);
    const callback = await answer;
    try {
      return await oidc.authorizationCodeGrant(
        config,
        callback,
        { pkceCodeVerifier: verifier, expectedState: state },
        { resource: o.audience },
      );
    } catch (e) {
      throw idpFailure(e, o.issuer, 'exchange the sign-in code');
    }
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

/** Resolves with the first /callback URL that carries our state; rejects on anything else there. */
function waitForCallback(
  server: http.Server,
  state: string,
  redirectUri: string,
  timeoutMs: number,
): Promise<URL> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(
      () =>
        reject(
          new CliError(`no answer from the browser within ${Math.round(timeoutMs / 1000)} s`, EXIT.TIMEOUT),
        ),
      timeoutMs,
    );
    const page = (res: http.ServerResponse, status: number, text: string) =>
      res
        .writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' })
        .end(`${text}\n`);
    server.on('request', (req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (req.method !== 'GET' || url.pathname !== '/callback') return page(res, 404, 'not found');
      if (settled) return page(res, 410, 'jitsudo: this login has already ended.');
      settled = true;
      clearTimeout(timer);
      if (url.searchParams.get('state') !== state) {
        page(res, 400, 'jitsudo: this sign-in answer is not for the login in progress; it was refused.');
        reject(
          new CliError(
            'the sign-in answer did not carry this login’s state and was refused; run `jitsudo login` again',
            EXIT.UNAUTHENTICATED,
          ),
        );
        return;
      }
      const error = url.searchParams.get('error');
      if (error) {
        page(res, 200, 'jitsudo: sign-in failed; see the terminal.');
        reject(
          error === 'access_denied'
            ? new CliError('sign-in was denied at the identity provider (access_denied)', EXIT.FORBIDDEN)
            : new CliError(
                `the identity provider refused the sign-in (${error.slice(0, 100)})`,
                EXIT.UNAUTHENTICATED,
              ),
        );
        return;
      }
      page(res, 200, 'jitsudo: signed in. You can close this tab and return to the terminal.');
      resolve(new URL(url.search, redirectUri));
    });
  });
}

/** $JITSUDO_BROWSER (`none`: print only), else open / xdg-open / start. Failure is not fatal: the URL is printed. */
export function openBrowser(url: string): void {
  const configured = envBrowser();
  if (configured === 'none') return;
  const [cmd, args] = configured
    ? [configured, [url]]
    : process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => {});
    child.unref();
  } catch {
    // the URL is on stderr already
  }
}
