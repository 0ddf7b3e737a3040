import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  decryptSecret,
  deriveServerKeys,
  encryptSecret,
  exportPublicKey,
  loadOrCreateKeys,
} from '../../../src/core/crypto/secrets.js';
import { isId, newId } from '../../../src/core/ids.js';

describe('secrets', () => {
  const home = mkdtempSync(join(tmpdir(), 'jitsudo-keys-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  const keys = deriveServerKeys(Buffer.alloc(32, 9));

  it('round-trips, binds to its AAD, and detects tampering without echoing the blob', () => {
    const blob = encryptSecret(keys.encryptionKey, '{"AWS_SECRET_ACCESS_KEY":"s3cr3t"}', 'req_1');
    expect(blob).not.toContain('s3cr3t');
    expect(decryptSecret(keys.encryptionKey, blob, 'req_1')).toBe('{"AWS_SECRET_ACCESS_KEY":"s3cr3t"}');
    expect(encryptSecret(keys.encryptionKey, 'x')).not.toBe(encryptSecret(keys.encryptionKey, 'x'));
    expect(() => decryptSecret(keys.encryptionKey, blob, 'req_2')).toThrow(/cannot be decrypted/);
    const flipped = blob.slice(0, -4) + (blob.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect(() => decryptSecret(keys.encryptionKey, flipped, 'req_1')).toThrow(/cannot be decrypted/);
    const other = deriveServerKeys(Buffer.alloc(32, 8));
    const e = (() => {
      try {
        decryptSecret(other.encryptionKey, blob, 'req_1');
      } catch (x) {
        return x as Error;
      }
    })();
    expect(e?.message).not.toContain(blob);
  });

  it('derives distinct, deterministic keys from one master key', () => {
    const again = deriveServerKeys(Buffer.alloc(32, 9));
    expect(again.encryptionKey.equals(keys.encryptionKey)).toBe(true);
    expect(exportPublicKey(again.signingPublicKey)).toBe(exportPublicKey(keys.signingPublicKey));
    expect(keys.tokenKey.equals(keys.encryptionKey)).toBe(false);
    expect(keys.signingKeyId).toMatch(/^[0-9a-f]{16}$/);
  });

  it('generates a 0600 master key file once and reuses it; config wins', () => {
    const a = loadOrCreateKeys({ home, encryption: {} });
    expect(statSync(join(home, 'master.key')).mode & 0o777).toBe(0o600);
    const b = loadOrCreateKeys({ home, encryption: {} });
    expect(b.encryptionKey.equals(a.encryptionKey)).toBe(true);
    expect(a.source).toBe('file');
    const c = loadOrCreateKeys({ home, encryption: { key: 'ab'.repeat(32) } });
    expect(c.source).toBe('config');
    expect(c.encryptionKey.equals(a.encryptionKey)).toBe(false);
    expect(readFileSync(join(home, 'master.key'), 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);
  });

  it('rejects malformed keys', () => {
    expect(() => loadOrCreateKeys({ home, encryption: { key: 'short' } })).toThrow(/encryption.key/);
    const bad = mkdtempSync(join(tmpdir(), 'jitsudo-keys-'));
    writeFileSync(join(bad, 'master.key'), 'garbage');
    expect(() => loadOrCreateKeys({ home: bad, encryption: {} })).toThrow(/malformed/);
    rmSync(bad, { recursive: true, force: true });
  });
});

describe('ids', () => {
  it('are prefixed, unique and increasing', () => {
    const ids = Array.from({ length: 1000 }, () => newId('req'));
    expect(new Set(ids).size).toBe(1000);
    expect([...ids].sort()).toEqual(ids);
    expect(ids.every((i) => isId(i, 'req'))).toBe(true);
    expect(isId(newId('pol'), 'req')).toBe(false);
    expect(isId('req_not-a-ulid', 'req')).toBe(false);
  });
});
