/**
 * TLS on jitsudod's own listener: key, certificate and (for mTLS) the client CA read from files, and
 * re-read when a file changes so a renewed certificate is served without a restart.
 */
import { readFileSync, type StatWatcher, unwatchFile, watchFile } from 'node:fs';
import type { SecureContextOptions, Server as TlsServer } from 'node:tls';
import type { Logger } from 'pino';
import type { Config } from '../core/config.js';

type Tls = Readonly<Config['tls']>;

/** The files as a secure context; throws (with the file name, never its content) when one is unreadable. */
export function readSecureContext(tls: Tls): SecureContextOptions {
  return {
    cert: readFileSync(tls.cert_file!),
    key: readFileSync(tls.key_file!),
    ...(tls.client_ca_file ? { ca: readFileSync(tls.client_ca_file) } : {}),
    minVersion: 'TLSv1.2',
  };
}

/** Options for https.createServer: client certificates asked for and verified per `client_auth`. */
export function httpsServerOptions(tls: Tls) {
  return {
    ...readSecureContext(tls),
    requestCert: tls.client_auth !== 'none',
    // 'optional' asks for a certificate and verifies one that is sent; the request then decides.
    rejectUnauthorized: tls.client_auth === 'require',
  };
}

/**
 * Watches the TLS files (stat polling: fs.watch loses a file replaced by rename, as cert renewers
 * do) and swaps the server's secure context; a half-written or mismatched pair keeps the old one.
 */
export function reloadOnChange(server: TlsServer, tls: Tls, log: Logger, intervalMs = 1000): () => void {
  const files = [tls.cert_file, tls.key_file, tls.client_ca_file].filter((f): f is string => !!f);
  const onChange = () => {
    try {
      server.setSecureContext(readSecureContext(tls));
      log.info({ files }, 'TLS certificate reloaded');
    } catch (e) {
      log.warn(
        { err: (e as Error).message },
        'TLS files changed but could not be loaded; keeping the previous certificate',
      );
    }
  };
  const watchers: StatWatcher[] = files.map((f) =>
    watchFile(f, { interval: intervalMs, persistent: false }, onChange),
  );
  return () => {
    for (const w of watchers) w.unref();
    for (const f of files) unwatchFile(f, onChange);
  };
}
