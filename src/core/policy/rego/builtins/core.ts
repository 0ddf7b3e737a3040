/**
 * Builtins the language itself needs: comparisons (`==`, `<`, …), membership (`in`), and a few
 * context builtins. Also the declarations of OPA builtins this interpreter does not implement, so
 * policies naming them compile (e.g. as `with http.send as …` targets) and fail clearly if called.
 */
import { compare, equal, isArray, isNumber, isObject, RObject, RSet, type Value } from '../value.js';
import { type BuiltinDef, BuiltinError } from './types.js';

const cmp = (name: string, infix: string, test: (c: number) => boolean): BuiltinDef => ({
  name,
  arity: 2,
  infix,
  impl: ([a, b]) => test(compare(a!, b!)),
});

function member2(x: Value, coll: Value): boolean {
  if (isArray(coll)) return coll.some((e) => equal(e, x));
  if (coll instanceof RObject) {
    for (const v of coll.values()) if (equal(v, x)) return true;
    return false;
  }
  if (coll instanceof RSet) return coll.has(x);
  return false;
}

function member3(k: Value, v: Value, coll: Value): boolean {
  if (isArray(coll)) {
    if (!isNumber(k)) return false;
    const i = Number(k);
    return Number.isInteger(i) && i >= 0 && i < coll.length && equal(coll[i]!, v);
  }
  if (isObject(coll)) {
    const x = coll.get(k);
    return x !== undefined && equal(x, v);
  }
  if (coll instanceof RSet) return coll.has(k) && equal(k, v);
  return false;
}

/** Builtins implemented here. */
export const coreBuiltins: BuiltinDef[] = [
  { name: 'equal', arity: 2, infix: '==', impl: ([a, b]) => equal(a!, b!) },
  { name: 'neq', arity: 2, infix: '!=', impl: ([a, b]) => !equal(a!, b!) },
  cmp('lt', '<', (c) => c < 0),
  cmp('lte', '<=', (c) => c <= 0),
  cmp('gt', '>', (c) => c > 0),
  cmp('gte', '>=', (c) => c >= 0),
  { name: 'internal.member_2', arity: 2, impl: ([x, c]) => member2(x!, c!) },
  { name: 'internal.member_3', arity: 3, impl: ([k, v, c]) => member3(k!, v!, c!) },
  { name: 'opa.runtime', arity: 0, impl: () => new RObject() },
  { name: 'trace', arity: 1, impl: () => true },
];

/** Fallbacks used only when no builtin set provides the name. */
export const fallbackBuiltins: BuiltinDef[] = [
  {
    name: 'time.now_ns',
    arity: 0,
    impl: (_a, ctx) => (Number(ctx.nowNs) <= Number.MAX_SAFE_INTEGER ? Number(ctx.nowNs) : ctx.nowNs),
  },
];

/** OPA builtins by arity that exist in OPA but may have no implementation here. */
const KNOWN: Record<string, number> = {
  'http.send': 1,
  'io.jwt.decode_verify': 2,
  'io.jwt.encode_sign': 3,
  'io.jwt.encode_sign_raw': 3,
  'io.jwt.verify_es256': 2,
  'io.jwt.verify_es384': 2,
  'io.jwt.verify_es512': 2,
  'io.jwt.verify_hs256': 2,
  'io.jwt.verify_hs384': 2,
  'io.jwt.verify_hs512': 2,
  'io.jwt.verify_ps256': 2,
  'io.jwt.verify_ps384': 2,
  'io.jwt.verify_ps512': 2,
  'io.jwt.verify_rs256': 2,
  'io.jwt.verify_rs384': 2,
  'io.jwt.verify_rs512': 2,
  'io.jwt.verify_eddsa': 2,
  'crypto.parse_private_keys': 1,
  'crypto.x509.parse_and_verify_certificates': 1,
  'crypto.x509.parse_and_verify_certificates_with_options': 2,
  'crypto.x509.parse_certificate_request': 1,
  'crypto.x509.parse_certificates': 1,
  'crypto.x509.parse_keypair': 2,
  'crypto.x509.parse_rsa_private_key': 1,
  'graphql.is_valid': 2,
  'graphql.parse': 2,
  'graphql.parse_and_verify': 2,
  'graphql.parse_query': 1,
  'graphql.parse_schema': 1,
  'graphql.schema_is_valid': 1,
  'json.match_schema': 2,
  'json.verify_schema': 1,
  'net.lookup_ip_addr': 1,
  'providers.aws.sign_req': 3,
  'rand.intn': 2,
  'rego.metadata.chain': 0,
  'rego.metadata.rule': 0,
  'rego.parse_module': 2,
  'strings.render_template': 2,
  'uuid.rfc4122': 1,
};

/** Declarations for known OPA builtins that nothing implements: calling one is a builtin error. */
export function unimplemented(have: ReadonlyMap<string, BuiltinDef>): BuiltinDef[] {
  const out: BuiltinDef[] = [];
  for (const [name, arity] of Object.entries(KNOWN)) {
    if (have.has(name)) continue;
    out.push({
      name,
      arity,
      impl: () => {
        throw new BuiltinError(
          'eval_builtin_error',
          'not supported by this interpreter (mock it with `with`)',
        );
      },
    });
  }
  return out;
}
