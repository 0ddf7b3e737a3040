/**
 * A machine caller known by its verified client certificate (mTLS): the first SAN URI (a SPIFFE ID
 * such as `spiffe://example.org/ns/ci/sa/deployer`) or DNS name under a configured prefix becomes a
 * `service` principal. The TLS layer has already verified the chain against tls.client_ca_file.
 */
import type { Actor } from '../actor.js';

export interface CertificateNames {
  uris: string[];
  dns: string[];
}

/** Parses Node's `subjectaltname` string (`URI:spiffe://…, DNS:host, IP Address:…`). */
export function parseSubjectAltName(san: string | undefined): CertificateNames {
  const out: CertificateNames = { uris: [], dns: [] };
  for (const part of (san ?? '').split(/,\s*/)) {
    if (part.startsWith('URI:')) out.uris.push(part.slice(4));
    else if (part.startsWith('DNS:')) out.dns.push(part.slice(4));
  }
  return out;
}

/** The service actor for the names, or undefined when none is under an allowed prefix. */
export function actorFromCertificate(
  names: CertificateNames,
  allowedPrefixes: readonly string[],
): Actor | undefined {
  const name = [...names.uris, ...names.dns].find((n) => allowedPrefixes.some((p) => n.startsWith(p)));
  if (!name || name.length > 512) return undefined;
  return { identity: `service:${name}`, kind: 'service', groups: [], scopes: ['requester'], isAdmin: false };
}
