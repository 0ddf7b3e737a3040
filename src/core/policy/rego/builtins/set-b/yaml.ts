/**
 * yaml.marshal, yaml.unmarshal and yaml.is_valid. OPA goes through sigs.k8s.io/yaml (go-yaml v2,
 * YAML 1.1 rules, timestamps kept as strings, sorted keys, unindented sequences); the `yaml`
 * package is configured to match, and its errors are reworded the way go-yaml reports them.
 */
import { Document, parseAllDocuments, type Tags, type YAMLError, YAMLMap } from 'yaml';
import { normNumber, RDecimal, RObject, RSet, type Value } from '../../value.js';
import { type BuiltinDef, builtinError } from '../types.js';
import { goKeyText } from './go-json.js';
import { stringArg } from './util.js';

/** go-yaml v2 keeps timestamps and sexagesimal numbers as plain strings. */
const dropGoUnsupportedTags = (tags: Tags) =>
  tags.filter((t) => {
    const tag = t as { tag?: string; format?: string };
    return tag.tag !== 'tag:yaml.org,2002:timestamp' && tag.format !== 'TIME';
  });

const PARSE_OPTIONS = {
  version: '1.1' as const,
  intAsBigInt: true,
  uniqueKeys: false,
  customTags: dropGoUnsupportedTags,
};

function goYamlMessage(e: YAMLError): string {
  const line = e.linePos?.[0]?.line ?? 1;
  let msg = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  if (e.code === 'MISSING_CHAR' || e.code === 'BAD_INDENT') {
    if (/flow sequence/i.test(msg)) msg = "did not find expected ',' or ']'";
    else if (/flow map/i.test(msg)) msg = "did not find expected ',' or '}'";
    else if (/quote/i.test(msg)) msg = 'found unexpected end of stream';
  } else if (e.code === 'TAB_AS_INDENT') msg = 'found character that cannot start any token';
  else if (e.code === 'BLOCK_AS_IMPLICIT_KEY') msg = 'mapping values are not allowed in this context';
  return `yaml: line ${line}: ${msg}`;
}

function keyText(k: unknown): string {
  if (typeof k === 'string') return k;
  if (k === null || k === undefined) return 'null';
  if (typeof k === 'number' || typeof k === 'bigint' || typeof k === 'boolean') return String(k);
  return goKeyText(jsToValue(k));
}

/** YAML data (from `toJS({mapAsMap: true})`) to a Value, as the YAML→JSON→Value trip in OPA does. */
function jsToValue(x: unknown): Value {
  if (x === null || x === undefined) return null;
  switch (typeof x) {
    case 'boolean':
    case 'string':
      return x;
    case 'bigint':
      return normNumber(x);
    case 'number':
      if (!Number.isFinite(x))
        throw builtinError(`json: unsupported value: ${Number.isNaN(x) ? 'NaN' : x > 0 ? '+Inf' : '-Inf'}`);
      return x;
  }
  if (Array.isArray(x)) return x.map(jsToValue);
  if (x instanceof Map) {
    const o = new RObject();
    for (const [k, v] of x) o.set(keyText(k), jsToValue(v));
    return o;
  }
  if (x instanceof Set) return [...x].map(jsToValue);
  if (x instanceof Uint8Array) return Buffer.from(x).toString('utf8');
  return String(x);
}

function parseYAML(text: string): Value {
  const docs = parseAllDocuments(text, PARSE_OPTIONS);
  if (!Array.isArray(docs)) {
    const errors = (docs as { errors?: YAMLError[] }).errors ?? [];
    if (errors.length > 0) throw builtinError(goYamlMessage(errors[0]!));
    return null;
  }
  const first = docs[0];
  if (!first) return null;
  if (first.errors.length > 0) throw builtinError(goYamlMessage(first.errors[0]!));
  return jsToValue(first.toJS({ mapAsMap: true, maxAliasCount: 10_000 }));
}

const isLetter = (c: string) => /\p{L}/u.test(c);
const isDigit = (c: string | undefined) => c !== undefined && /\p{Nd}/u.test(c);

/** go-yaml v2's key order: letters before digits, digit runs compared as numbers. */
function goYamlKeyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const x = ar[i]!;
    const y = br[i]!;
    if (x === y) continue;
    const al = isLetter(x);
    const bl = isLetter(y);
    if (al && bl) return x.codePointAt(0)! < y.codePointAt(0)!;
    if (al || bl) return bl;
    let an = 0n;
    let bn = 0n;
    if (x === '0' || y === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== '0') {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10n + BigInt(ar[ai]!.charCodeAt(0) - 48);
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10n + BigInt(br[bi]!.charCodeAt(0) - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return x.codePointAt(0)! < y.codePointAt(0)!;
  }
  return ar.length < br.length;
}

/** A Value as the JSON data go-yaml would marshal: sets as sorted arrays, keys as sorted strings. */
function toYamlData(v: Value): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(toYamlData);
  if (v instanceof RSet) return v.sorted().map(toYamlData);
  // OPA's trip through JSON text and go-yaml: a float that overflows stays its text, one that underflows is 0.
  if (v instanceof RDecimal) return v.huge ? v.text : v.m < 0n ? -0 : 0;
  const entries = new Map<string, unknown>();
  for (const [k, x] of v.entries()) entries.set(goKeyText(k), toYamlData(x));
  const keys = [...entries.keys()].sort((a, b) => (goYamlKeyLess(a, b) ? -1 : goYamlKeyLess(b, a) ? 1 : 0));
  return new Map(keys.map((k) => [k, entries.get(k)]));
}

function marshalYAML(v: Value): string {
  // Without the omap/pairs tags, a JS Map is written as a plain (ordered) mapping.
  const customTags = (tags: Tags) =>
    tags.filter(
      (t) =>
        !['tag:yaml.org,2002:omap', 'tag:yaml.org,2002:pairs'].includes((t as { tag?: string }).tag ?? ''),
    );
  const doc = new Document(toYamlData(v), { version: '1.1', customTags });
  if (doc.contents instanceof YAMLMap) doc.contents.flow = false;
  return doc.toString({ indentSeq: false, lineWidth: 80 });
}

export const yamlBuiltins: BuiltinDef[] = [
  { name: 'yaml.marshal', arity: 1, impl: ([v]) => marshalYAML(v!) },
  { name: 'yaml.unmarshal', arity: 1, impl: ([s]) => parseYAML(stringArg(s!, 1)) },
  {
    name: 'yaml.is_valid',
    arity: 1,
    impl: ([s]) => {
      if (typeof s !== 'string') return false;
      try {
        parseYAML(s);
        return true;
      } catch {
        return false;
      }
    },
  },
];
