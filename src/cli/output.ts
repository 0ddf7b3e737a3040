/**
 * Rendering: `-o json` and `-o yaml` print the API objects as they are; `-o table` (default) prints
 * aligned columns or labelled lines. Data goes to stdout; progress and notices go to stderr.
 */
import { stringify } from 'yaml';
import { z } from 'zod';

export const OutputFormat = z.enum(['table', 'json', 'yaml']).default('table');
export type OutputFormat = z.infer<typeof OutputFormat>;

export const write = (s: string) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
export const note = (s: string) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`);

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * Makes server-supplied text safe for a terminal: every control character (C0, DEL, C1; so every
 * ESC/CSI/OSC sequence too) is shown as a visible escape (\x1b, \u009b), so a requester's reason
 * can never move the cursor, recolour or rewrite an approver's screen. Idempotent.
 */
export function visible(s: string): string {
  return s.replace(CONTROL, (c) => {
    const n = c.charCodeAt(0);
    return n < 0x80 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
  });
}

/** Prints `data` in the chosen format; `table` renders with the given function (made `visible`). */
export function emit(format: OutputFormat, data: unknown, table: () => string): void {
  if (format === 'json') write(JSON.stringify(data, null, 2));
  else if (format === 'yaml') write(stringify(data));
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
