import { describe, expect, it } from 'vitest';
import { createRedactor, formsOf, MIN_SECRET_LENGTH } from '../../src/mcp-stdio/redact.js';

const KEY = 'AKIAEXAMPLEKEY123456';
const TOKEN = 'tok/with+special=chars&more ok';

describe('redaction', () => {
  const r = createRedactor({ AWS_ACCESS_KEY_ID: KEY, SESSION: TOKEN, REGION: 'eu-w1', PORT: '5432' });

  it('replaces raw values with the credential name', () => {
    expect(r.redact(`key=${KEY} token=${TOKEN}`)).toBe(
      'key=[REDACTED:AWS_ACCESS_KEY_ID] token=[REDACTED:SESSION]',
    );
  });

  it('replaces base64 (both alphabets, any alignment inside a bigger blob), URL, hex and JSON forms', () => {
    for (const prefix of ['', 'u', 'us', 'use', 'user:']) {
      for (const enc of ['base64', 'base64url'] as const) {
        const blob = Buffer.from(`${prefix}${TOKEN}!tail`).toString(enc);
        const out = r.redact(blob);
        expect(out, `${enc} with ${prefix.length} bytes before`).toContain('[REDACTED:SESSION]');
      }
    }
    // On its own, padding included: nothing of the encoding is left over.
    expect(r.redact(Buffer.from(TOKEN).toString('base64'))).toBe('[REDACTED:SESSION]');
    expect(r.redact(Buffer.from(KEY).toString('base64url'))).toBe('[REDACTED:AWS_ACCESS_KEY_ID]');
    expect(r.redact(encodeURIComponent(TOKEN))).toBe('[REDACTED:SESSION]');
    expect(r.redact(encodeURIComponent(TOKEN).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()))).toBe(
      '[REDACTED:SESSION]',
    );
    expect(r.redact(new URLSearchParams({ t: TOKEN }).toString())).toBe('t=[REDACTED:SESSION]');
    expect(r.redact(Buffer.from(KEY).toString('hex'))).toBe('[REDACTED:AWS_ACCESS_KEY_ID]');
    expect(r.redact(JSON.stringify({ k: 'a"b\\c-secret' }))).toContain('secret');
    const quoted = createRedactor({ Q: 'a"b\\c-secret' });
    expect(quoted.redact(JSON.stringify({ k: 'a"b\\c-secret' }))).toBe('{"k":"[REDACTED:Q]"}');
  });

  it('leaves short values alone and says so', () => {
    expect(r.redact('port 5432 in eu-w1')).toBe('port 5432 in eu-w1');
    expect([...r.unredacted].sort()).toEqual(['PORT', 'REGION']);
    expect(MIN_SECRET_LENGTH).toBe(6);
  });

  it('every derived form is at least 8 characters (no chance matches of tiny fragments)', () => {
    for (const f of formsOf('abcdef')) if (f !== 'abcdef') expect(f.length).toBeGreaterThanOrEqual(8);
  });

  it('a value that contains another is replaced whole', () => {
    const nested = createRedactor({ INNER: 'secret-inner', OUTER: 'xx-secret-inner-yy' });
    expect(nested.redact('xx-secret-inner-yy and secret-inner')).toBe(
      '[REDACTED:OUTER] and [REDACTED:INNER]',
    );
  });

  it('redactTail removes a secret prefix left at a cut, and nothing else', () => {
    expect(r.redactTail(`output ends with ${KEY.slice(0, 9)}`)).toBe(
      'output ends with [REDACTED:AWS_ACCESS_KEY_ID]',
    );
    expect(r.redactTail('output ends normally')).toBe('output ends normally');
    // Fragments shorter than 4 characters are ordinary text.
    expect(r.redactTail('ends with AKI')).toBe('ends with AKI');
  });

  it('no secrets → identity', () => {
    const none = createRedactor({});
    expect(none.redact('anything')).toBe('anything');
    expect(none.redactTail('anything')).toBe('anything');
  });
});
