/**
 * Page tokens are opaque to clients but come back from them, so each is decoded defensively: the
 * base64url text must be canonical, decode to valid UTF-8 without NUL, and parse into a value its
 * listing can use; anything else — a forged, truncated or tampered token — is VALIDATION 400
 * naming page_token, never a query with a value the database refuses.
 */
import { z } from 'zod';
import { AppError } from '../errors.js';
import { isStorableText } from './text.js';

const MAX_TOKEN = 512;
const ALPHABET = /^[A-Za-z0-9_-]+$/;

/** The zod shape of a page token at every boundary (HTTP query, MCP argument, core input). */
export function pageTokenText(max = MAX_TOKEN): z.ZodString {
  return z
    .string()
    .min(1)
    .max(max)
    .regex(ALPHABET, 'must be the next_page_token of a previous page, unchanged');
}

/** The VALIDATION error every malformed page token gets. */
export const invalidPageToken = (): AppError =>
  new AppError(
    'VALIDATION',
    'invalid page_token: pass back the next_page_token of a previous page unchanged',
    {
      details: { field: 'page_token' },
    },
  );

/** Wraps `text` (one of our cursors) as an opaque token. */
export function encodePageToken(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

/**
 * Decodes a token made by `encodePageToken` and hands its text to `parse`, which returns undefined
 * (or throws) for a text that is not one of its cursors; every failure is `invalidPageToken()`.
 */
export function decodePageToken<T>(token: unknown, parse: (text: string) => T | undefined): T {
  if (typeof token !== 'string' || token.length > MAX_TOKEN || !ALPHABET.test(token))
    throw invalidPageToken();
  const text = Buffer.from(token, 'base64url').toString('utf8');
  // Invalid UTF-8 decodes to U+FFFD and no longer re-encodes to the same token.
  if (encodePageToken(text) !== token || !isStorableText(text)) throw invalidPageToken();
  let v: T | undefined;
  try {
    v = parse(text);
  } catch {
    throw invalidPageToken();
  }
  if (v === undefined) throw invalidPageToken();
  return v;
}
