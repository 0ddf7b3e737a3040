/**
 * docs/configuration.md, generated from the one config schema (`npm run docs:config`; a test fails
 * when the file is stale): every key with its type, default, description (`.describe()` text) and
 * the JITSUDOD_* variable that sets it (config-env.ts). Nested objects become dotted keys, arrays of
 * objects `key[].field`.
 */
import type { z } from 'zod';
import { ConfigSchema } from './config.js';
import { ENV_KEYS } from './config-env.js';

interface Row {
  key: string;
  type: string;
  default: string;
  description: string;
  env: string;
}

type AnyDef = { type: string; [k: string]: any };
const defOf = (s: z.ZodType): AnyDef => (s as unknown as { def: AnyDef }).def;

/** Peels default/optional/pipe/refinement wrappers; returns the core schema and what they said. */
function unwrap(s: z.ZodType): { core: z.ZodType; dflt?: unknown; optional: boolean; description?: string } {
  let cur = s;
  let dflt: unknown;
  let optional = false;
  let description = (cur as { description?: string }).description;
  for (;;) {
    const d = defOf(cur);
    if (d.type === 'default' || d.type === 'prefault') {
      dflt ??= typeof d.defaultValue === 'function' ? d.defaultValue() : d.defaultValue;
      cur = d.innerType;
    } else if (d.type === 'optional' || d.type === 'nullable') {
      optional = true;
      cur = d.innerType;
    } else if (d.type === 'pipe') cur = d.in;
    else break;
    description ??= (cur as { description?: string }).description;
  }
  return { core: cur, dflt, optional, description };
}

function bounds(d: AnyDef): string {
  const parts: string[] = [];
  for (const c of d.checks ?? []) {
    const cd = c._zod?.def ?? {};
    if (cd.check === 'greater_than') parts.push(`${cd.inclusive ? '≥' : '>'} ${cd.value}`);
    if (cd.check === 'less_than') parts.push(`${cd.inclusive ? '≤' : '<'} ${cd.value}`);
  }
  return parts.length ? ` (${parts.join(', ')})` : '';
}

function typeName(s: z.ZodType): string {
  const d = defOf(s);
  switch (d.type) {
    case 'string':
      return 'string';
    case 'number': {
      const int = (d.checks ?? []).some((c: any) => /int/.test(String(c._zod?.def?.format)));
      return `${int ? 'integer' : 'number'}${bounds(d)}`;
    }
    case 'boolean':
      return 'boolean';
    case 'enum':
      return Object.values(d.entries as Record<string, string>)
        .map((v) => `\`${v}\``)
        .join(' | ');
    case 'array':
      return `list of ${typeName(unwrap(d.element).core)}`;
    case 'record':
      return 'map';
    case 'object':
      return 'object';
    case 'union':
      return (d.options as z.ZodType[]).map((o) => typeName(unwrap(o).core)).join(' | ');
    case 'literal':
      return (d.values as unknown[]).map((v) => `\`${JSON.stringify(v)}\``).join(' | ');
    default:
      return d.type;
  }
}

const ENV_BY_PATH = new Map<string, string[]>();
for (const [name, spec] of Object.entries(ENV_KEYS)) {
  const k = spec.path.join('.');
  ENV_BY_PATH.set(k, [...(ENV_BY_PATH.get(k) ?? []), name]);
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

function walk(shape: Record<string, z.ZodType>, prefix: string, rows: Row[]): void {
  for (const [name, schema] of Object.entries(shape)) {
    const key = `${prefix}${name}`;
    const u = unwrap(schema);
    const d = defOf(u.core);
    const isObject = d.type === 'object';
    const elem = d.type === 'array' ? unwrap(d.element) : undefined;
    const dflt =
      u.dflt === undefined || isObject
        ? u.optional
          ? '(unset)'
          : isObject
            ? ''
            : '(required)'
        : `\`${JSON.stringify(u.dflt)}\``;
    rows.push({
      key,
      type: isObject ? 'section' : typeName(u.core),
      default: dflt,
      description: u.description ?? '',
      env: (ENV_BY_PATH.get(key) ?? []).map((e) => `\`${e}\``).join(', '),
    });
    if (isObject) walk(d.shape, `${key}.`, rows);
    if (elem && defOf(elem.core).type === 'object') walk(defOf(elem.core).shape, `${key}[].`, rows);
  }
}

/** The Markdown of docs/configuration.md. */
export function configurationMarkdown(): string {
  const rows: Row[] = [];
  walk(defOf(ConfigSchema).shape, '', rows);
  const lines = [
    '# Configuration reference',
    '',
    '<!-- Generated from src/core/config.ts by `npm run docs:config`; do not edit by hand. -->',
    '',
    'jitsudod reads defaults, then the YAML file (`--config` or `$JITSUDOD_CONFIG`), then the',
    '`JITSUDOD_*` variables below; any other variable starting with `JITSUDOD_` is refused. A bad key',
    'stops the server at start-up with a message naming it. `(unset)`: optional, no default.',
    '',
    '| key | type | default | environment | description |',
    '|---|---|---|---|---|',
    ...rows.map(
      (r) => `| \`${r.key}\` | ${cell(r.type)} | ${cell(r.default)} | ${r.env} | ${cell(r.description)} |`,
    ),
    '',
  ];
  return lines.join('\n');
}
