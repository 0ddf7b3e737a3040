/**
 * Rendering: `-o json` and `-o yaml` print the API objects as they are; `-o table` (default) prints
 * aligned columns or labelled lines. Data goes to stdout; progress and notices go to stderr.
 */
import { Document, visit } from 'yaml';
import { z } from 'zod';

export const OutputFormat = z.enum(['table', 'json', 'yaml']).default('table');
export type OutputFormat = z.infer<typeof OutputFormat>;

export const write = (s: string) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
/** A notice on stderr; it may quote server text (names, notices), so every line is made `visible`. */
export const note = (s: string) =>
  process.stderr.write(`${s.replace(/\n$/, '').split('\n').map(visible).join('\n')}\n`);

/**
 * What a terminal must never receive raw from someone else's text: C0, DEL and C1 controls (so
 * every ESC/CSI/OSC sequence), bidirectional controls and the other invisible format characters
 * (U+202A–202E, U+2066–2069, U+200E/F, U+061C, zero-width spaces, U+FEFF, tags: they reorder or
 * hide what is shown), line and paragraph separators, and unpaired surrogates. ZWNJ and ZWJ
 * (U+200C/D) stay: scripts and emoji need them and they move nothing.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\p{Cs}]|(?![\u200c\u200d])\p{Cf}/gu;
// The same less C0: JSON and YAML emitters escape C0 inside strings themselves, and their own
// line breaks (between keys, in block scalars) are structure, not someone's text.
const UNSAFE_BEYOND_C0 = /[\u007f-\u009f\u2028\u2029\p{Cs}]|(?![\u200c\u200d])\p{Cf}/gu;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const C0_BUT_TAB_NEWLINE = /[\u0000-\u0008\u000b-\u001f]/;

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/**
 * Makes server-supplied text safe for a terminal: every character `UNSAFE` matches is shown as a
 * visible escape (\x1b, \u009b, \u202e, \u{e0041}), so a requester's reason or name can never
 * move the cursor, recolour, reorder or rewrite an approver's screen. Idempotent.
 */
export function visible(s: string): string {
  return s.replace(UNSAFE, (c) => {
    const n = c.codePointAt(0)!;
    if (n < 0x80) return `\\x${hex(n, 2)}`;
    return n <= 0xffff ? `\\u${hex(n, 4)}` : `\\u{${n.toString(16)}}`;
  });
}

/** JSON text with every `UNSAFE` character as a JSON escape: the same value, nothing raw on a terminal. */
export function jsonVisible(data: unknown): string {
  return JSON.stringify(data, null, 2).replace(UNSAFE_BEYOND_C0, (c) =>
    // JSON has only \uXXXX escapes: a supplementary character is written as its surrogate pair.
    [...Array(c.length).keys()].map((i) => `\\u${hex(c.charCodeAt(i), 4)}`).join(''),
  );
}

/**
 * YAML text where every string holding an `UNSAFE` character is double-quoted and the character
 * written as a YAML escape (\u202e, \U000e0041). YAML emitters leave C1 and bidi characters raw
 * in plain, single-quoted and block scalars; in a double-quoted one the escape is the same value.
 */
export function yamlVisible(data: unknown): string {
  const doc = new Document(data);
  const beyondC0 = new RegExp(UNSAFE_BEYOND_C0.source, 'u');
  const flagged = (v: unknown) => typeof v === 'string' && (beyondC0.test(v) || C0_BUT_TAB_NEWLINE.test(v));
  visit(doc, {
    Scalar(_, node) {
      if (flagged(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  // Every such character left in the text is inside a double-quoted scalar now.
  return doc.toString().replace(UNSAFE_BEYOND_C0, (c) => {
    const n = c.codePointAt(0)!;
    return n <= 0xffff ? `\\u${hex(n, 4)}` : `\\U${hex(n, 8)}`;
  });
}

/** Prints `data` in the chosen format; `table` renders with the given function (made `visible`). */
export function emit(format: OutputFormat, data: unknown, table: () => string): void {
  if (format === 'json') write(jsonVisible(data));
  else if (format === 'yaml') write(yamlVisible(data));
  else write(table().split('\n').map(visible).join('\n'));
}

/** Aligned columns with a header row; `empty` when there are no rows. */
export function columns(headers: string[], rows: string[][], empty: string): string {
  if (rows.length === 0) return empty;
  headers = headers.map(visible);
  rows = rows.map((r) => r.map((c) => visible(c ?? '')));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** `Label:  value` lines, skipping empty values. */
export function labelled(pairs: [string, unknown][]): string {
  const shown = pairs.filter(([, v]) => v !== undefined && v !== null && v !== '');
  const w = Math.max(...shown.map(([k]) => k.length)) + 1;
  return shown
    .map(([k, v]) => `${`${k}:`.padEnd(w)}  ${visible(typeof v === 'string' ? v : JSON.stringify(v))}`)
    .join('\n');
}

/** Shortens text for a table cell: whitespace collapsed, control characters made `visible`. */
export const clip = (s: string | null | undefined, n = 40) => {
  const t = visible((s ?? '').replace(/\s+/g, ' '));
  return t.length > n ? `${t.slice(0, n - 1)}…` : t;
};
