/**
 * Free text that is stored: PostgreSQL text and jsonb refuse U+0000 (22021/22P05, a 500 if it
 * reached the database), so every core input schema that takes free text builds it with `safeText`.
 * NUL and unpaired surrogates are refused; other control characters (ESC included) are storable
 * and may be legitimate pasted text; human-readable output makes them visible instead (src/cli/output.ts `visible`).
 */
import { z } from 'zod';

/** True when `s` holds U+0000, which no PostgreSQL text or jsonb value may contain. */
export function hasNul(s: string): boolean {
  return s.includes('\u0000');
}

/**
 * True when `s` holds an unpaired UTF-16 surrogate: not a character at all, so UTF-8 cannot carry it
 * (drivers send U+FFFD instead — the stored text would differ from what was hashed) and jsonb
 * refuses its `\uD800` escape (22P05).
 */
export function hasLoneSurrogate(s: string): boolean {
  return /\p{Cs}/u.test(s);
}

/** True when PostgreSQL can store `s` as text or inside jsonb exactly as given. */
export function isStorableText(s: string): boolean {
  return !hasNul(s) && !hasLoneSurrogate(s);
}

const NOT_UNICODE = 'must be valid Unicode text (it holds an unpaired surrogate)';

/**
 * A zod string (at most `max` characters when given) that rejects U+0000 and unpaired surrogates
 * with a clear message. Use it for every text that comes from outside: stored text, and filters or
 * names compared with stored text (PostgreSQL refuses NUL even as a query parameter).
 */
export function safeText(max?: number): z.ZodString {
  const s = max === undefined ? z.string() : z.string().max(max);
  return s
    .refine((t) => !hasNul(t), 'must not contain the NUL character (U+0000)')
    .refine((t) => !hasLoneSurrogate(t), NOT_UNICODE);
}

/** The path (`a.b.0`) of the first string or key in a JSON value PostgreSQL cannot store, or undefined. */
export function unstorableJsonPath(v: unknown, path: string[] = [], depth = 0): string[] | undefined {
  if (depth > 64) return path;
  if (typeof v === 'string') return isStorableText(v) ? undefined : path;
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : path;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const bad = unstorableJsonPath(v[i], [...path, String(i)], depth + 1);
      if (bad) return bad;
    }
  } else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (!isStorableText(k)) return [...path, k];
      const bad = unstorableJsonPath(x, [...path, k], depth + 1);
      if (bad) return bad;
    }
  }
  return undefined;
}

/**
 * A JSON object stored as jsonb (an AI reviewer's reasoning): every key and string is storable text,
 * nesting at most 64 deep; a failure names the offending path.
 */
export function safeJsonObject(): z.ZodType<Record<string, unknown>> {
  return z.record(z.string(), z.unknown()).superRefine((o, ctx) => {
    const bad = unstorableJsonPath(o);
    if (bad)
      ctx.addIssue({
        code: 'custom',
        path: bad,
        message: 'must hold only valid Unicode text without NUL (U+0000), nested at most 64 deep',
      });
  });
}
