/**
 * The functions of the Go-template subset (go-template.ts): Go's built-ins the chart uses and
 * the Sprig/Helm ones, each with the semantics helm gives it (Sprig's `default` and `empty`,
 * Helm's `required` that accepts an empty list, `toYaml` with sorted keys and no final newline).
 */
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';

export interface Renderer {
  include(name: string, dot: unknown): string;
}

/** Go's truth: false, 0, nil, and empty strings, slices and maps are false. */
export function isTrue(v: unknown): boolean {
  if (v == null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

/** How an action prints a value: helm prints nil as empty; a map or list is a chart bug here. */
export function printValue(v: unknown): string {
  if (v == null) return '';
  if (typeof v === 'object') throw new Error(`printing a ${Array.isArray(v) ? 'list' : 'map'} (use toYaml)`);
  return String(v);
}

function str(v: unknown): string {
  return v == null ? '' : typeof v === 'object' ? printValue(v) : String(v);
}

function arity(name: string, args: unknown[], n: number): void {
  if (args.length !== n) throw new Error(`wrong number of args for ${name}: want ${n} got ${args.length}`);
}

/** Go's fmt verbs the chart uses; `%d` of a values number is refused, as helm would print junk (float64). */
function sprintf(format: string, args: unknown[]): string {
  let n = 0;
  const out = format.replace(/%([%svqd])/g, (_, verb: string) => {
    if (verb === '%') return '%';
    if (n >= args.length) throw new Error(`printf: missing argument for %${verb}`);
    const a = args[n++];
    if (verb === 'd') throw new Error('printf %d: helm values numbers are float64; use %v');
    if (verb === 'q') return JSON.stringify(str(a));
    if (verb === 's' && typeof a !== 'string') throw new Error(`printf %s of a ${typeof a}; use %v`);
    return str(a);
  });
  if (n !== args.length) throw new Error(`printf: ${args.length - n} extra argument(s)`);
  return out;
}

function eq(a: unknown, b: unknown): boolean {
  if (a != null && b != null && typeof a !== typeof b)
    throw new Error(`eq: incompatible types for comparison (${typeof a}, ${typeof b})`);
  if (typeof a === 'object' && a !== null) throw new Error('eq: non-comparable type');
  return a === b;
}

function indent(n: unknown, s: unknown): string {
  const pad = ' '.repeat(Number(n));
  return pad + str(s).replaceAll('\n', `\n${pad}`);
}

type Fn = (args: unknown[], r: Renderer) => unknown;

/** A function of a fixed number of arguments. */
function checked(name: string, n: number, fn: (a: unknown[]) => unknown): Fn {
  return (a) => {
    arity(name, a, n);
    return fn(a);
  };
}

export const FUNCS: Record<string, Fn> = {
  not: checked('not', 1, (a) => !isTrue(a[0])),
  eq: (a) => {
    if (a.length < 2) throw new Error('eq: missing argument');
    return a.slice(1).some((b) => eq(a[0], b));
  },
  ne: checked('ne', 2, (a) => !eq(a[0], a[1])),
  printf: (a) => sprintf(str(a[0]), a.slice(1)),
  print: (a) => a.map(str).join(''),
  default: checked('default', 2, (a) => (isTrue(a[1]) ? a[1] : a[0])),
  required: (a) => {
    arity('required', a, 2);
    if (a[1] == null || a[1] === '') throw new Error(str(a[0]));
    return a[1];
  },
  fail: (a) => {
    throw new Error(str(a[0]));
  },
  quote: (a) =>
    a
      .filter((x) => x != null)
      .map((x) => JSON.stringify(str(x)))
      .join(' '),
  toYaml: (a) => {
    arity('toYaml', a, 1);
    return stringify(a[0] ?? null, { sortMapEntries: true, lineWidth: 0 }).replace(/\n$/, '');
  },
  indent: checked('indent', 2, (a) => indent(a[0], a[1])),
  nindent: checked('nindent', 2, (a) => `\n${indent(a[0], a[1])}`),
  trunc: (a) => {
    arity('trunc', a, 2);
    const n = Number(a[0]);
    const s = str(a[1]);
    return n >= 0 ? s.slice(0, n) : s.slice(Math.max(0, s.length + n));
  },
  trimSuffix: (a) => {
    arity('trimSuffix', a, 2);
    const [suffix, s] = [str(a[0]), str(a[1])];
    return suffix && s.endsWith(suffix) ? s.slice(0, -suffix.length) : s;
  },
  upper: checked('upper', 1, (a) => str(a[0]).toUpperCase()),
  sha256sum: checked('sha256sum', 1, (a) => createHash('sha256').update(str(a[0])).digest('hex')),
};
