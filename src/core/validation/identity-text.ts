/**
 * Names that identify someone: identities (emails, `agent:<name>`), group names, agent owners. Unlike
 * free text (`safeText` in text.ts, made visible when printed), a name is compared, shown in every
 * audit line and trusted by whoever reads it, so characters that a reader cannot see are refused:
 * controls (C0, DEL, C1 — ESC starts terminal sequences), bidirectional controls (U+202A–202E,
 * U+2066–2069, U+200E/U+200F, U+061C — they reorder what is shown: `alice\u202Emoc.live@` reads as
 * someone else), every other format character (zero-width spaces and joiners, U+FEFF, soft hyphen,
 * tag characters), line and paragraph separators, unpaired surrogates, and the fillers and
 * variation selectors that render as nothing.
 */
import { z } from 'zod';

// \p{Cc}: C0, DEL, C1. \p{Cf}: bidi, zero-width, BOM, soft hyphen, tags. \p{Zl}\p{Zp}: U+2028/9.
// \p{Cs}: lone surrogates. Then blank-rendering letters and marks: CGJ, Hangul fillers, Khmer
// inherent vowels, variation selectors (also the supplementary ones).
const UNSAFE_NAME_CHAR =
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: each code point is refused on its own
  /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0\ufe00-\ufe0f\u{e0100}-\u{e01ef}]/u;

/** The first character of `s` that no identity or group name may hold, or undefined. */
export function unsafeNameChar(s: string): string | undefined {
  return UNSAFE_NAME_CHAR.exec(s)?.[0];
}

/** `U+202E` for a character. */
export const codePointName = (c: string) =>
  `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** The message for a name holding `c` (names the code point; the character itself stays out). */
export const unsafeNameMessage = (c: string) =>
  `must not contain control, bidirectional or invisible characters (found ${codePointName(c)})`;

/** A zod refinement (`.superRefine(refuseUnsafeNameChars)`) for names, after any trim. */
export function refuseUnsafeNameChars(t: string, ctx: z.RefinementCtx): void {
  const c = unsafeNameChar(t);
  if (c !== undefined) ctx.addIssue({ code: 'custom', message: unsafeNameMessage(c) });
}

/** A zod string for an identity or group name (at most `max` characters when given). */
export function identityText(max?: number): z.ZodString {
  const s = max === undefined ? z.string() : z.string().max(max);
  return s.superRefine(refuseUnsafeNameChars);
}
