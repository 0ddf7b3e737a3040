/**
 * Redaction of credential values from a command's output before it reaches a model. Works on the
 * whole joined output (never per chunk), so a value split across pipe reads is still caught.
 *
 * For each value it removes the raw text and the encodings a program is likely to print: base64
 * (standard and URL alphabet, at any byte alignment inside a larger encoded blob), percent-encoding
 * (upper and lower hex, `+` for spaces), hex, and the JSON-escaped form. A value shorter than
 * MIN_SECRET_LENGTH is not redacted: such values (a region, a port, "true") are not secrets a
 * provider issues, and removing every occurrence of them would mangle the output; the result names
 * them so nobody mistakes that for an oversight. Derived forms shorter than MIN_FORM_LENGTH are
 * dropped for the same reason (a base64 fragment of 4 characters matches by chance).
 *
 * Not covered (documented in src/mcp-stdio/README.md): deliberately transformed output (reversed,
 * re-encrypted, a fragment of a value shorter than the whole), and other encodings.
 */

export const MIN_SECRET_LENGTH = 6;
export const MIN_FORM_LENGTH = 8;
/** Shortest trailing fragment redactTail removes; shorter ones match ordinary text by chance. */
export const MIN_TAIL_FRAGMENT = 4;

export interface Redactor {
  /** Replaces every known form of every value with `[REDACTED:<NAME>]`. */
  redact(text: string): string;
  /**
   * For output cut at a size cap: redacts a trailing fragment that begins a known form (the rest of
   * the value was cut off), so no prefix of a secret survives truncation.
   */
  redactTail(text: string): string;
  /** Names whose values were too short to redact (see MIN_SECRET_LENGTH). */
  readonly unredacted: readonly string[];
  /** The longest form, in characters (how much context a caller must keep around a cut). */
  readonly longestForm: number;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The stable interior of base64(value) when value sits at byte offset `shift` (0–2) of a blob. */
function base64Interior(value: Buffer, shift: number, url: boolean): string {
  const enc = Buffer.concat([Buffer.alloc(shift), value]).toString(url ? 'base64url' : 'base64');
  const start = Math.ceil((8 * shift) / 6);
  const end = Math.floor((8 * (shift + value.length)) / 6);
  return enc.slice(start, end);
}

/** Every printable form of one value that we redact. */
export function formsOf(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  // The whole value encoded on its own, padding included, then the interiors that also match it
  // inside a longer encoded blob.
  const forms = new Set<string>([value, bytes.toString('base64'), bytes.toString('base64url')]);
  for (const shift of [0, 1, 2]) {
    forms.add(base64Interior(bytes, shift, false));
    forms.add(base64Interior(bytes, shift, true));
  }
  const pct = encodeURIComponent(value);
  forms.add(pct);
  forms.add(pct.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
  forms.add(pct.replace(/%20/g, '+'));
  forms.add(bytes.toString('hex'));
  forms.add(bytes.toString('hex').toUpperCase());
  forms.add(JSON.stringify(value).slice(1, -1));
  return [...forms].filter((f) => f === value || f.length >= MIN_FORM_LENGTH);
}

/** Builds a redactor for `secrets` (env name → value); invariant: no listed form of a value ≥ MIN_SECRET_LENGTH survives redact(). */
export function createRedactor(secrets: Readonly<Record<string, string>>): Redactor {
  const byForm = new Map<string, string>();
  const unredacted: string[] = [];
  for (const [name, value] of Object.entries(secrets)) {
    if (value.length < MIN_SECRET_LENGTH) {
      if (value.length > 0) unredacted.push(name);
      continue;
    }
    for (const f of formsOf(value)) if (!byForm.has(f)) byForm.set(f, name);
  }
  // Longest first, so a value that contains another one is replaced whole.
  const forms = [...byForm.keys()].sort((a, b) => b.length - a.length);
  const re = forms.length ? new RegExp(forms.map(escapeRe).join('|'), 'g') : undefined;
  const mark = (name: string) => `[REDACTED:${name}]`;
  const redact = (text: string) => (re ? text.replace(re, (m) => mark(byForm.get(m)!)) : text);
  return {
    redact,
    redactTail(text) {
      const out = redact(text);
      // The longest fragment first: a shorter one could be the tail of a longer match.
      let cut = -1;
      let name = '';
      for (const f of forms) {
        for (let k = Math.min(f.length - 1, out.length); k >= MIN_TAIL_FRAGMENT && k > cut; k--) {
          if (out.endsWith(f.slice(0, k))) {
            cut = k;
            name = byForm.get(f)!;
            break;
          }
        }
      }
      return cut > 0 ? out.slice(0, out.length - cut) + mark(name) : out;
    },
    unredacted,
    longestForm: forms[0]?.length ?? 0,
  };
}
