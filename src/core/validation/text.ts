/**
 * Free text that is stored: PostgreSQL text and jsonb refuse U+0000 (22021/22P05, a 500 if it
 * reached the database), so every core input schema that takes free text builds it with `safeText`.
 * Only NUL is refused: other control characters (ESC included) are storable and may be legitimate
 * pasted text; human-readable output makes them visible instead (src/cli/output.ts `visible`).
 */
import { z } from 'zod';

/** True when `s` holds U+0000, which no PostgreSQL text or jsonb value may contain. */
export function hasNul(s: string): boolean {
  return s.includes('\u0000');
}

/** A zod string (at most `max` characters when given) that rejects U+0000 with a clear message. */
export function safeText(max?: number): z.ZodString {
  const s = max === undefined ? z.string() : z.string().max(max);
  return s.refine((t) => !hasNul(t), 'must not contain the NUL character (U+0000)');
}
