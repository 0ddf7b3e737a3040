/** `jitsudod init --tls`: a private CA, a server certificate for the given names and one client certificate. */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { createCa, issueCertificate } from '../../server/certificates.js';
import { usageError } from '../errors.js';

export interface TlsMaterial {
  dir: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
}

/** Writes the files into `dir` (0700; every file 0600: the keys are secrets, the rest need not be public). */
export async function writeTlsMaterial(dir: string, names: string[], force: boolean): Promise<TlsMaterial> {
  if (names.length === 0) throw usageError('--tls-names needs at least one DNS name or IP address');
  const m: TlsMaterial = {
    dir,
    caFile: join(dir, 'ca.crt'),
    certFile: join(dir, 'server.crt'),
    keyFile: join(dir, 'server.key'),
    clientCertFile: join(dir, 'client.crt'),
    clientKeyFile: join(dir, 'client.key'),
  };
  if (!force && existsSync(m.caFile))
    throw usageError(`${m.caFile} exists; use --force to replace the TLS files`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const ca = await createCa('jitsudo private CA');
  const server = await issueCertificate(ca, {
    commonName: names[0]!,
    dns: names.filter((n) => isIP(n) === 0),
    ips: names.filter((n) => isIP(n) !== 0),
    usage: 'server',
  });
  const client = await issueCertificate(ca, { commonName: 'jitsudo-client', usage: 'client' });
  const files: [string, string][] = [
    [m.caFile, ca.cert],
    [join(dir, 'ca.key'), ca.key],
    [m.certFile, server.cert],
    [m.keyFile, server.key],
    [m.clientCertFile, client.cert],
    [m.clientKeyFile, client.key],
  ];
  for (const [file, pem] of files) {
    writeFileSync(file, pem, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return m;
}
