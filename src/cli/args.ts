/**
 * Argument handling on top of citty. citty accepts unknown flags silently, keeps only the last of
 * repeated flags and has no number type, so every leaf command scans its raw arguments here:
 * unknown flags and surplus positionals are usage errors, repeated flags are collected, and the
 * result is validated by the command's zod schema.
 */
import { type ArgsDef, defineCommand } from 'citty';
import { type z, z as zod } from 'zod';
import { setTlsFlags } from './env.js';
import { usageError } from './errors.js';
import { OutputFormat } from './output.js';

export const globalArgs = {
  server: {
    type: 'string',
    description:
      'jitsudod base URL (default: $JITSUDO_SERVER, the server saved at login, http://127.0.0.1:8080)',
    valueHint: 'url',
  },
  output: {
    type: 'string',
    alias: 'o',
    description: 'output format: table, json or yaml',
    valueHint: 'table|json|yaml',
  },
  'ca-file': {
    type: 'string',
    description: 'PEM CA(s) to trust for jitsudod and the IdP (default: $JITSUDO_CA_FILE)',
    valueHint: 'file',
  },
  'client-cert': {
    type: 'string',
    description: 'PEM client certificate for mTLS to jitsudod (default: $JITSUDO_CLIENT_CERT_FILE)',
    valueHint: 'file',
  },
  'client-key': {
    type: 'string',
    description: 'PEM key of --client-cert (default: $JITSUDO_CLIENT_KEY_FILE)',
    valueHint: 'file',
  },
} as const satisfies ArgsDef;

type Def = ArgsDef[string] & { multiple?: boolean };

export interface Scanned {
  values: Record<string, unknown>;
  /** Everything after `--` (the command for `exec`). */
  rest: string[];
}

const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** Parses raw args against `defs`; throws a usage error naming the first unknown or malformed flag. */
export function scanArgs(rawArgs: readonly string[], defs: Record<string, Def>): Scanned {
  const dd = rawArgs.indexOf('--');
  const args = dd < 0 ? rawArgs : rawArgs.slice(0, dd);
  const rest = dd < 0 ? [] : rawArgs.slice(dd + 1);
  const byName = new Map<string, [string, Def]>();
  for (const [name, def] of Object.entries(defs)) {
    if (def.type === 'positional') continue;
    byName.set(name, [name, def]);
    for (const a of [(def as { alias?: string | string[] }).alias ?? []].flat()) byName.set(a, [name, def]);
  }
  const positionals = Object.entries(defs).filter(([, d]) => d.type === 'positional');
  const values: Record<string, unknown> = {};
  const seenPositional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const tok = args[i]!;
    if (!tok.startsWith('-') || tok === '-' || /^-\d/.test(tok)) {
      seenPositional.push(tok);
      continue;
    }
    const body = tok.replace(/^--?/, '');
    const eq = body.indexOf('=');
    let name = eq < 0 ? body : body.slice(0, eq);
    let inline: string | undefined = eq < 0 ? undefined : body.slice(eq + 1);
    let found = byName.get(name);
    if (!found && name.startsWith('no-') && byName.get(name.slice(3))?.[1].type === 'boolean') {
      found = byName.get(name.slice(3));
      if (inline !== undefined) throw usageError(`flag ${tok} takes no value`);
      inline = 'false';
      name = name.slice(3);
    }
    if (!found) throw usageError(`unknown flag ${tok.split('=')[0]} (see --help)`);
    const [key, def] = found;
    if (def.type === 'boolean') {
      if (inline !== undefined && !['true', 'false'].includes(inline))
        throw usageError(`flag --${key} is true or false, not "${inline}"`);
      values[camel(key)] = inline === undefined ? true : inline === 'true';
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = args[i + 1];
      if (next === undefined || next.startsWith('--')) throw usageError(`flag --${key} needs a value`);
      value = next;
      i++;
    }
    const k = camel(key);
    if (def.multiple) values[k] = [...((values[k] as string[] | undefined) ?? []), value];
    else values[k] = value;
  }
  if (seenPositional.length > positionals.length)
    throw usageError(`unexpected argument "${seenPositional[positionals.length]}" (see --help)`);
  positionals.forEach(([name], i) => {
    if (seenPositional[i] !== undefined) values[camel(name)] = seenPositional[i];
  });
  return { values, rest };
}

/** zod issues → one usage line naming the flag. */
export function parseWith<S extends z.ZodType>(schema: S, values: Record<string, unknown>): z.infer<S> {
  const r = schema.safeParse(values);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const key = String(issue.path[0] ?? '');
  const flag = key ? `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` : 'arguments';
  throw usageError(`invalid ${flag}: ${issue.message}`);
}

export interface LeafSpec<S extends z.ZodType> {
  name: string;
  description: string;
  args: Record<string, Def>;
  schema: S;
  run: (input: z.infer<S>, extra: { rest: string[] }) => Promise<void>;
  /** Add --server and --output (default true; false for jitsudod). */
  globals?: boolean;
}

/** A leaf command with global flags, strict flag checking and zod validation. */
export function leaf<S extends z.ZodType>(spec: LeafSpec<S>) {
  const defs = (spec.globals === false ? spec.args : { ...spec.args, ...globalArgs }) as Record<string, Def>;
  return defineCommand({
    meta: { name: spec.name, description: spec.description },
    args: defs as ArgsDef,
    run: async ({ rawArgs }) => {
      const { values, rest } = scanArgs(rawArgs, defs);
      for (const [name, d] of Object.entries(spec.args))
        if (d.type === 'positional' && d.required !== false && values[camel(name)] === undefined)
          throw usageError(`missing argument <${name}> (see --help)`);
      // The TLS files are read where a connection is made (context.ts), not by each command.
      const { caFile, clientCert, clientKey, ...own } = values;
      if (spec.globals !== false)
        setTlsFlags({ ca: caFile as string, cert: clientCert as string, key: clientKey as string });
      await spec.run(parseWith(spec.schema, own), { rest });
    },
  });
}

/** zod fields for the global flags; spread into every command schema. */
export const globalFields = {
  server: zServer(),
  output: OutputFormat,
};

function zServer() {
  return zod.string().min(1, 'needs a URL').max(2048).optional();
}
