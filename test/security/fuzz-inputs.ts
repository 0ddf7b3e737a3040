/**
 * fast-check arbitraries for input-fuzz.test.ts: hostile values (NUL, unpaired surrogates, bidi and
 * zero-width characters, huge strings, odd numbers, extreme dates, forged ids and page tokens, wrong
 * types) and plausible values, derived from a JSON Schema (an OpenAPI parameter or body, or an MCP
 * tool's inputSchema) so every field of every route and tool gets both.
 */
import fc from 'fast-check';

type Json = Record<string, any>;
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
const ULID = '01J9Z7X3R4T5V6W7X8Y9Z0ABCD';

/** What PostgreSQL or a JS Date cannot hold: the values that used to become 500s. */
const UNSTORABLE = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfff',
  '\udc00\ud800',
  '0000-01-01T00:00:00Z',
  '0001-01-01T00:30:00+01:00',
  '-271821-04-20T00:00:00Z',
  '+275760-09-13T00:00:00Z',
  `agt_${ULID}\u0000`,
  b64(`0000-01-01T00:00:00.000Z|req_${ULID}`),
  b64(`2026-01-01T00:00:00.000Z|req_${ULID}\u0000`),
  b64('a:0'),
  b64('p:\u0000'),
  b64('p:\ud800'),
];

/** Other abuse: bidi, zero-width, escapes, CRLF, traversal, huge, odd numbers as text, forged ids. */
const NASTY_STRINGS = [
  '\u202eevil',
  'zero\u200bwidth',
  '\u001b[31mred',
  'line\r\nX-Injected: 1',
  '',
  ' ',
  '../../etc/passwd',
  '%00',
  '%ED%A0%80',
  "' or '1'='1",
  '😀',
  'ｆｕｌｌ',
  'x'.repeat(5000),
  'y'.repeat(70_000),
  '9999-12-31T23:59:59Z',
  '2026-02-30T00:00:00Z',
  'NaN',
  'Infinity',
  '-1',
  '1e309',
  '99999999999999999999',
  `req_${ULID}`,
  `req_${'Z'.repeat(26)}`,
  `pol_${ULID}`,
  b64('a:999999999999999'),
  `${b64('a:5')}=`,
  'A'.repeat(600),
];

/** One nasty character spliced into random text. */
const spliced = fc
  .tuple(
    fc.string({ maxLength: 20 }),
    fc.constantFrom('\u0000', '\ud800', '\udfff', '\u0000', '\udbff', '\u202e', '\u2066', '\u200b', '\u0007'),
    fc.string({ maxLength: 20 }),
  )
  .map(([a, c, b]) => a + c + b);

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...UNSTORABLE) },
  { weight: 3, arbitrary: spliced },
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
);

const oddNumber = fc.oneof(
  fc.constantFrom(-1, 0, -0, 0.5, 1.5, 1e308, -1e308, 2 ** 53 + 2, Number.MAX_SAFE_INTEGER, 4294967296),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

/** Any hostile JSON value: strings above, odd numbers, wrong types, keys holding NUL. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 10, arbitrary: hostileString },
  { weight: 2, arbitrary: oddNumber },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, true, false, [], {}, [hostileString], { a: 1 }) },
  {
    weight: 1,
    arbitrary: fc.dictionary(hostileString, fc.oneof(hostileString, oddNumber), { maxKeys: 3 }),
  },
);

/** Values that make sense for a field of this name (so a request gets past the fields it does not fuzz). */
export type Plausible = (name: string, schema: Json) => fc.Arbitrary<unknown> | undefined;

/** A plausible value from the schema alone. */
export function fromSchema(
  schema: Json,
  name: string,
  plausible: Plausible,
  depth = 0,
): fc.Arbitrary<unknown> {
  const p = plausible(name, schema);
  if (p) return p;
  const alts = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(alts) && alts.length > 0)
    return fc.oneof(...alts.map((s: Json) => fromSchema(s, name, plausible, depth + 1)));
  if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
  if (schema.const !== undefined) return fc.constant(schema.const);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1);
      const max = schema.maximum ?? min + 100;
      return fc.integer({
        min: Math.ceil(min),
        max: Math.max(Math.ceil(min), Math.floor(Math.min(max, min + 100))),
      });
    }
    case 'boolean':
      return fc.boolean();
    case 'array':
      return depth > 4
        ? fc.constant([])
        : fc.array(fromSchema(schema.items ?? {}, name, plausible, depth + 1), { maxLength: 2 });
    case 'object': {
      if (depth > 4) return fc.constant({});
      const props = (schema.properties ?? {}) as Json;
      if (Object.keys(props).length === 0) return fc.constant({ note: 'fuzz' });
      return fc.record(
        Object.fromEntries(
          Object.entries(props).map(([k, s]) => [k, fromSchema(s, k, plausible, depth + 1)]),
        ),
        { requiredKeys: (schema.required ?? []).filter((k: string) => k in props) },
      );
    }
    default:
      return fc.constantFrom('fuzz', 'dev', 'x');
  }
}

/** A plausible object: required fields always, optional ones sometimes. */
export function plausibleObject(schema: Json, plausible: Plausible): fc.Arbitrary<Json> {
  const props = (schema.properties ?? {}) as Json;
  return fc.record(
    Object.fromEntries(Object.keys(props).map((k) => [k, fromSchema(props[k], k, plausible)])),
    { requiredKeys: ((schema.required ?? []) as string[]).filter((k) => k in props) },
  ) as fc.Arbitrary<Json>;
}

/** Every fuzzed field gets these among its runs, whatever the seed: the classes that used to be 500s. */
export const ALWAYS: unknown[] = ['a\u0000b', 'x\ud800', '0000-01-01T00:00:00Z'];

/** A path segment or query value as a client would put it in a URL (lone surrogates as raw bytes). */
export function urlPart(v: unknown): string {
  const s = typeof v === 'string' ? v : (JSON.stringify(v) ?? '');
  try {
    return encodeURIComponent(s);
  } catch {
    // Not well-formed UTF-16: percent-encode each code unit as CESU-8, which is not valid UTF-8.
    return [...s]
      .map((ch) => {
        const u = ch.charCodeAt(0);
        if (u < 0xd800 || u > 0xdfff || ch.length > 1) return encodeURIComponent(ch);
        return [0xe0 | (u >> 12), 0x80 | ((u >> 6) & 63), 0x80 | (u & 63)]
          .map((b) => `%${b.toString(16).toUpperCase()}`)
          .join('');
      })
      .join('');
  }
}
