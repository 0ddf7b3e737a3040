/**
 * Production mode's start-up rules (what `jitsudod serve` runs without `--dev`): every dev setting is
 * refused, naming its key, before anything is opened. See the production-mode ADR in docs/adr.
 */
import { existsSync } from 'node:fs';
import type { Config } from '../core/config.js';
import { AppError } from '../core/errors.js';
import { isLoopback, parseListenAddress } from './listen-address.js';

function refuse(key: string, why: string): never {
  throw new AppError('VALIDATION', `invalid config key ${key}: ${why}`, { details: { key } });
}

/** Throws AppError VALIDATION naming the first key a production server must not run with. */
export function assertProductionSafe(config: Readonly<Config>): void {
  assertTlsFiles(config);
  if (config.mode !== 'production') return;
  if (config.auth.mode !== 'oidc')
    refuse(
      'auth.mode',
      `production mode requires "oidc" (dev identity lets anyone mint any identity), not "${config.auth.mode}"`,
    );
  if (!config.database.url || config.database.url.startsWith('memory://')) {
    if (!config.database.allow_embedded)
      refuse(
        'database.url',
        'production mode needs PostgreSQL; the embedded database is one process on local disk (set database.allow_embedded: true to accept that)',
      );
  }
  if ('mock' in config.providers)
    refuse('providers.mock', 'the mock provider hands out fake credentials; remove it in production mode');
  const addr = parseListenAddress(config.http.addr);
  const tls = config.tls.cert_file !== undefined;
  if (!tls && !isLoopback(addr.host)) {
    if (!config.http.behind_tls_proxy)
      refuse(
        'tls.cert_file',
        `production mode on the non-loopback address "${config.http.addr}" requires TLS (tls.cert_file and tls.key_file), or http.behind_tls_proxy: true with http.trusted_proxies`,
      );
    if (config.http.trusted_proxies.length === 0)
      refuse('http.trusted_proxies', 'http.behind_tls_proxy needs the addresses of the proxy that ends TLS');
  }
  // Signed events still reveal who asked for what: plain http only to this host (ADR 0046).
  config.notifications.webhooks.forEach((w, i) => {
    const u = new URL(w.url);
    if (u.protocol === 'http:' && !isLoopback(u.hostname.replace(/^\[|\]$/g, '')))
      refuse(
        `notifications.webhooks.${i}.url`,
        `production mode requires https for webhook "${w.name}" (plain http only to loopback)`,
      );
  });
  // The audit log and request details in clear text only to this host (ADR 0049).
  config.notifications.siem.forEach((c, i) => {
    const u = new URL(c.url);
    if (/^(http|syslog\+tcp):$/.test(u.protocol) && !isLoopback(u.hostname.replace(/^\[|\]$/g, '')))
      refuse(
        `notifications.siem.${i}.url`,
        `production mode requires https:// or syslog+tls:// for SIEM sink "${c.name}" (clear text only to loopback)`,
      );
  });
  // The bot token rides on every Web API call: never in clear text off this host (ADR 0048).
  const slackApi = config.notifications.slack?.api_url;
  if (slackApi) {
    const u = new URL(slackApi);
    if (u.protocol !== 'https:' && !isLoopback(u.hostname.replace(/^\[|\]$/g, '')))
      refuse(
        'notifications.slack.api_url',
        'production mode requires https for the Slack Web API (plain http only to loopback)',
      );
  }
  // Step-up pages set their sign-in cookie Secure only over https (ADR 0050).
  const pub = config.http.public_url;
  if (pub) {
    const u = new URL(pub);
    if (u.protocol !== 'https:' && !isLoopback(u.hostname.replace(/^\[|\]$/g, '')))
      refuse('http.public_url', 'production mode requires https (plain http only to loopback)');
  }
  assertMetricsGuarded(config);
  const email = config.notifications.email;
  if (email?.smtp.security === 'none' && !isLoopback(email.smtp.host))
    refuse(
      'notifications.email.smtp.security',
      'production mode requires tls or starttls for a non-loopback SMTP server',
    );
}

/** Production: /metrics only behind a token, on loopback, or where the operator said the network guards it (ADR 0053). */
function assertMetricsGuarded(config: Readonly<Config>): void {
  const m = config.metrics;
  if (!m.enabled || m.bearer_token_file !== undefined) return;
  if (m.addr === undefined)
    refuse(
      'metrics.bearer_token_file',
      'production mode serves /metrics on the main listener only with a bearer token (or set metrics.addr to a separate listener)',
    );
  if (!isLoopback(parseListenAddress(m.addr).host) && !m.allow_unauthenticated)
    refuse(
      'metrics.addr',
      `production mode on the non-loopback metrics address "${m.addr}" needs metrics.bearer_token_file, or metrics.allow_unauthenticated: true when the network restricts who reaches it`,
    );
}

/** TLS settings that cannot work, in either mode. */
function assertTlsFiles(config: Readonly<Config>): void {
  const t = config.tls;
  if ((t.cert_file === undefined) !== (t.key_file === undefined))
    refuse(
      t.cert_file === undefined ? 'tls.cert_file' : 'tls.key_file',
      'tls.cert_file and tls.key_file go together',
    );
  for (const key of ['cert_file', 'key_file', 'client_ca_file'] as const) {
    const file = t[key];
    if (file !== undefined && !existsSync(file)) refuse(`tls.${key}`, `file not found: ${file}`);
  }
  if (t.client_auth !== 'none' && t.client_ca_file === undefined)
    refuse(
      'tls.client_ca_file',
      `tls.client_auth "${t.client_auth}" needs the CA that signs client certificates`,
    );
  if (t.client_auth !== 'none' && t.cert_file === undefined)
    refuse('tls.cert_file', 'tls.client_auth needs TLS on the listener (tls.cert_file and tls.key_file)');
  if (t.client_identity.enabled && t.client_auth === 'none')
    refuse('tls.client_identity.enabled', 'mapping client certificates to principals needs tls.client_auth');
  if (t.client_identity.enabled && t.client_identity.allowed_prefixes.length === 0)
    refuse(
      'tls.client_identity.allowed_prefixes',
      'name the SAN prefixes (e.g. spiffe://example.org/ns/ci/) whose certificates are service principals',
    );
}
