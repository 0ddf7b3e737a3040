/**
 * Secrets at rest and the server's keys. One 32-byte master key (config `encryption.key`, or a file
 * generated into `$JITSUDO_HOME` in embedded mode) derives every other key with HKDF-SHA256, so all
 * replicas that share the master key share the same keys without storing them anywhere
 * (docs/adr/0011-server-keys.md).
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  hkdfSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { type AuditMacKey, auditMacKeyId } from '../audit/row-mac.js';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import { ensurePrivateDir, tightenFile } from '../private-files.js';

export interface ServerKeys {
  /** AES-256-GCM key for provider credentials and other secrets at rest. */
  encryptionKey: Buffer;
  /** Ed25519 key signing audit checkpoints. */
  signingKey: KeyObject;
  /** Its public half, as exported with checkpoints. */
  signingPublicKey: KeyObject;
  /** Short, stable id of the signing key (first 16 hex chars of SHA-256 of the raw public key). */
  signingKeyId: string;
  /** 32-byte secret for server-minted tokens (HS256) — dev identity mode and agent tokens. */
  tokenKey: Buffer;
  /** Row-MAC keys of the audit chain: the current one first (new rows), then retired ones (verify only). */
  auditMacKeys: readonly AuditMacKey[];
  /** Public keys (base64url) whose audit checkpoints verify: the current one first, then retired ones. */
  trustedCheckpointKeys: readonly string[];
  /** Where the master key came from. */
  source: 'config' | 'file';
}

const BLOB_PREFIX = 'v1.';
const IV_LEN = 12;
const TAG_LEN = 16;

/** Encrypts `plaintext` with AES-256-GCM; `aad` (e.g. the request id) binds the blob to its row. */
export function encryptSecret(key: Buffer, plaintext: string, aad?: string): string {
  if (key.length !== 32) throw new AppError('INTERNAL', 'encryption key must be 32 bytes');
  const iv = randomBytes(IV_LEN);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  if (aad !== undefined) cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return BLOB_PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

/** Decrypts a blob from `encryptSecret`; throws INTERNAL (never echoing the blob) if it was altered. */
export function decryptSecret(key: Buffer, blob: string, aad?: string): string {
  try {
    if (!blob.startsWith(BLOB_PREFIX)) throw new Error('unknown blob version');
    const raw = Buffer.from(blob.slice(BLOB_PREFIX.length), 'base64');
    if (raw.length < IV_LEN + TAG_LEN) throw new Error('blob too short');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_LEN));
    decipher.setAuthTag(raw.subarray(IV_LEN, IV_LEN + TAG_LEN));
    if (aad !== undefined) decipher.setAAD(Buffer.from(aad, 'utf8'));
    return Buffer.concat([decipher.update(raw.subarray(IV_LEN + TAG_LEN)), decipher.final()]).toString(
      'utf8',
    );
  } catch (e) {
    throw new AppError('INTERNAL', 'stored secret cannot be decrypted (wrong key or altered data)', {
      cause: e,
    });
  }
}

/** Parses a 32-byte key given as 64 hex chars or base64/base64url; throws VALIDATION otherwise. */
export function parseMasterKey(s: string): Buffer {
  const t = s.trim();
  const buf = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (buf.length !== 32)
    throw new AppError('VALIDATION', 'invalid config key encryption.key: must be 32 bytes as hex or base64');
  return buf;
}

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function derive(master: Buffer, label: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `jitsudo/${label}/v1`, 32));
}

function auditMacKey(master: Buffer): AuditMacKey {
  const secret = derive(master, 'audit-row-mac').toString('hex');
  return { id: auditMacKeyId(secret), secret };
}

function checkpointKey(master: Buffer): KeyObject {
  const seed = derive(master, 'audit-checkpoint-ed25519');
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/**
 * Derives every server key from a master key; deterministic, so replicas agree. `retired` are earlier
 * master keys: only their audit verification halves are kept (old rows and checkpoints still verify).
 */
export function deriveServerKeys(
  master: Buffer,
  source: ServerKeys['source'] = 'config',
  retired: readonly Buffer[] = [],
): ServerKeys {
  const signingKey = checkpointKey(master);
  const signingPublicKey = createPublicKey(signingKey);
  return {
    encryptionKey: derive(master, 'secrets-aes-256-gcm'),
    signingKey,
    signingPublicKey,
    signingKeyId: publicKeyId(signingPublicKey),
    tokenKey: derive(master, 'token-hs256'),
    auditMacKeys: [master, ...retired].map(auditMacKey),
    trustedCheckpointKeys: [master, ...retired].map((m) =>
      exportPublicKey(createPublicKey(checkpointKey(m))),
    ),
    source,
  };
}

/** Raw 32-byte Ed25519 public key, base64url (the form exported next to checkpoints). */
export function exportPublicKey(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' }) as { x: string };
  return jwk.x;
}

/** Imports a raw Ed25519 public key from its base64url form; throws VALIDATION if malformed. */
export function importPublicKey(x: string): KeyObject {
  try {
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
  } catch (e) {
    throw new AppError('VALIDATION', 'malformed Ed25519 public key', { cause: e });
  }
}

/** Stable short id of a public key, used as `key_id` on checkpoints. */
export function publicKeyId(key: KeyObject): string {
  const raw = Buffer.from(exportPublicKey(key), 'base64url');
  return createHash('sha256').update(raw).digest('hex').slice(0, 16);
}

/**
 * The server's keys: from config `encryption.key` when set; otherwise from `<home>/master.key`,
 * generated (mode 0600) on first use. Multi-replica deployments must set `encryption.key`.
 */
export function loadOrCreateKeys(
  config: Pick<Config, 'home'> & { encryption: { key?: string; retired_keys?: readonly string[] } },
): ServerKeys {
  const retired = (config.encryption.retired_keys ?? []).map(parseMasterKey);
  if (config.encryption.key)
    return deriveServerKeys(parseMasterKey(config.encryption.key), 'config', retired);
  const file = join(config.home, 'master.key');
  ensurePrivateDir(config.home);
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
    tightenFile(file); // a key copied in by hand may be group- or world-readable
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (text === undefined) {
    const fresh = randomBytes(32).toString('hex');
    try {
      // 'wx' so two processes starting at once cannot each write a different key.
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, `${fresh}\n`);
      closeSync(fd);
      text = fresh;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      text = readFileSync(file, 'utf8');
    }
  }
  try {
    return deriveServerKeys(parseMasterKey(text), 'file', retired);
  } catch (e) {
    throw new AppError('VALIDATION', `master key file ${file} is malformed`, { cause: e });
  }
}
