import type { TLSSocket } from 'node:tls';
import type { Context } from 'hono';
import type { Actor } from '../../core/actor.js';
import { actorFromCertificate, parseSubjectAltName } from '../../core/identity/certificate-actor.js';
import type { HonoEnv } from '../env.js';

/**
 * The service actor of the connection's client certificate, when the TLS layer verified it
 * (`authorized`) and its SAN is under an allowed prefix; otherwise undefined. A bearer token, when
 * one is sent, is used instead (see the production-mode ADR).
 */
export function clientCertificateActor(allowedPrefixes: readonly string[]) {
  return (c: Context<HonoEnv>): Actor | undefined => {
    const socket = (c.env as { incoming?: { socket?: TLSSocket } } | undefined)?.incoming?.socket;
    if (!socket || typeof socket.getPeerCertificate !== 'function' || !socket.authorized) return undefined;
    const peer = socket.getPeerCertificate();
    return actorFromCertificate(parseSubjectAltName(peer?.subjectaltname), allowedPrefixes);
  };
}
