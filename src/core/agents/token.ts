/**
 * Agent bearer tokens: `jit_agt_` + 32 random bytes (base64url). Only the SHA-256 hash is stored;
 * a token is found by hashing what was presented, so no stored secret is ever compared.
 */
import { createHash, randomBytes } from 'node:crypto';

export const AGENT_TOKEN_PREFIX = 'jit_agt_';
const TOKEN_RE = /^jit_agt_[A-Za-z0-9_-]{43}$/;

/** True when `token` is shaped like an agent token (shape only, no lookup). */
export const isAgentTokenShape = (token: string): boolean => TOKEN_RE.test(token);

/** The stored form of a token: lowercase hex SHA-256. */
export function hashAgentToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A fresh token and its hash; the token is shown once and never kept. */
export function newAgentToken(): { token: string; hash: string } {
  const token = AGENT_TOKEN_PREFIX + randomBytes(32).toString('base64url');
  return { token, hash: hashAgentToken(token) };
}
