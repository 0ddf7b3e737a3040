/**
 * A private CA with one server and one client certificate, for a first install (`jitsudod init
 * --tls`) and for tests. ECDSA P-256, PEM files; the CA key signs only certificates (pathLen 0).
 */
import { randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const crypto = webcrypto;
x509.cryptoProvider.set(crypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export interface Pem {
  cert: string;
  key: string;
}
export interface IssuedCa extends Pem {
  /** Kept for signing further certificates in this process. */
  signer: { cert: x509.X509Certificate; privateKey: CryptoKey };
}

const serial = () => `01${randomBytes(15).toString('hex')}`;
const days = (n: number) => new Date(Date.now() + n * 86_400_000);

async function keyPair(): Promise<CryptoKeyPair> {
  return (await crypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function keyPem(k: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await crypto.subtle.exportKey('pkcs8', k), 'PRIVATE KEY');
}

/** A self-signed CA certificate and its key. */
export async function createCa(name = 'jitsudo private CA', validDays = 3650): Promise<IssuedCa> {
  const keys = await keyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${name}`,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: days(validDays),
    signingAlgorithm: ALG,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return {
    cert: cert.toString('pem'),
    key: await keyPem(keys.privateKey),
    signer: { cert, privateKey: keys.privateKey },
  };
}

export interface LeafOptions {
  commonName: string;
  /** DNS names, IP addresses and URIs (e.g. `spiffe://example.org/ns/x/sa/y`) for the SAN. */
  dns?: string[];
  ips?: string[];
  uris?: string[];
  usage: 'server' | 'client';
  validDays?: number;
}

/** A certificate signed by `ca` for a server or a client. */
export async function issueCertificate(ca: IssuedCa, o: LeafOptions): Promise<Pem> {
  const keys = await keyPair();
  const names: { type: 'dns' | 'ip' | 'url'; value: string }[] = [
    ...(o.dns ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(o.ips ?? []).map((value) => ({ type: 'ip' as const, value })),
    ...(o.uris ?? []).map((value) => ({ type: 'url' as const, value })),
  ];
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${o.commonName}`,
    issuer: ca.signer.cert.subject,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: days(o.validDays ?? 825),
    signingAlgorithm: ALG,
    publicKey: keys.publicKey,
    signingKey: ca.signer.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension(
        [o.usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth],
        false,
      ),
      ...(names.length ? [new x509.SubjectAlternativeNameExtension(names, false)] : []),
      await x509.AuthorityKeyIdentifierExtension.create(ca.signer.cert, false),
    ],
  });
  return { cert: cert.toString('pem'), key: await keyPem(keys.privateKey) };
}
