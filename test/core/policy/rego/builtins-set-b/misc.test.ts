import { describe, expect, it } from 'vitest';
import { RObject, RSet, type Value } from '../../../../../src/core/policy/rego/value.js';
import { call, callIn, context, errorOf } from './helpers.js';

const o = (x: Record<string, Value>) => RObject.from(Object.entries(x));

describe('yaml', () => {
  it('round-trips values and follows YAML 1.1 scalars', () => {
    const text = call('yaml.marshal', [o({ foo: RSet.from([3, 1, 2]) })]) as string;
    expect(text).toBe('- foo:\n  - 1\n  - 2\n  - 3\n');
    expect(call('yaml.unmarshal', text)).toEqual([o({ foo: [1, 2, 3] })]);
    expect(call('yaml.marshal', o({ b: 'yes', a: '1', a10: 1, a2: 2 }))).toBe(
      'a: "1"\na2: 2\na10: 1\nb: "yes"\n',
    );
    expect(call('yaml.unmarshal', 'a: yes\nb: 2001-12-14\nc: 0x1f\nd: 12345678901234567890\ne: ~')).toEqual(
      o({ a: true, b: '2001-12-14', c: 31, d: 12345678901234567890n, e: null }),
    );
    expect(call('yaml.unmarshal', '')).toBeNull();
  });

  it('validates and reports errors the way go-yaml words them', () => {
    const docs = ['foo:\n   - qux: bar\n   - baz: 2', 'foo:\n   - qux: bar\n   - baz: {', '{"json": "ok"}'];
    expect(docs.map((d) => call('yaml.is_valid', d))).toEqual([true, false, true]);
    expect(call('yaml.is_valid', 1)).toBe(false);
    expect(errorOf('yaml.unmarshal', '[1,2,3')).toBe(
      "eval_builtin_error: yaml: line 1: did not find expected ',' or ']'",
    );
  });
});

describe('crypto', () => {
  it('hashes and authenticates UTF-8 text', () => {
    expect(call('crypto.md5', 'lorem ipsum')).toBe('80a751fde577028640c419000e33eba6');
    expect(call('crypto.sha1', 'lorem ipsum')).toBe('bfb7759a67daeb65410490b4d98bb9da7d1ea2ce');
    expect(call('crypto.sha256', 'lorem ipsum')).toBe(
      '5e2bf57d3f40c4b6df69daf1936cb766f832374b4fc0259a7cbff06e2f70f269',
    );
    const mac = call('crypto.hmac.sha256', 'message', 'key') as string;
    expect(mac).toBe('6e9ef29b75fffc5b7abae527d58fdadb2fe42e7219011976917343065f58ed4a');
    expect(call('crypto.hmac.equal', mac, mac)).toBe(true);
    expect(call('crypto.hmac.equal', mac, `${mac.slice(0, -1)}b`)).toBe(false);
    expect(call('crypto.hmac.equal', mac, 'short')).toBe(false);
    expect(errorOf('crypto.hmac.md5', 'x', 1)).toBe(
      'eval_type_error: operand 2 must be string but got number',
    );
  });
});

describe('uuid', () => {
  it('generates one v4 UUID per key per evaluation', () => {
    const ctx = context();
    const a = callIn(ctx, 'uuid.rfc4122', 'key') as string;
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(callIn(ctx, 'uuid.rfc4122', 'key')).toBe(a);
    expect(callIn(ctx, 'uuid.rfc4122', 'other')).not.toBe(a);
    expect(callIn(context(), 'uuid.rfc4122', 'key')).not.toBe(a);
  });

  it('parses the forms google/uuid accepts and decodes v1/v2 fields', () => {
    const v4 = o({ version: 4, variant: 'RFC4122' });
    expect(call('uuid.parse', '00000000-0000-4000-8000-000000000000')).toEqual(v4);
    expect(call('uuid.parse', '{00000000-0000-4000-8000-000000000000}')).toEqual(v4);
    expect(call('uuid.parse', '(00000000-0000-4000-8000-000000000000)')).toEqual(v4);
    expect(call('uuid.parse', '6bea8ef2d3d33cd184e09bab06a52ece')).toEqual(
      o({ version: 3, variant: 'RFC4122' }),
    );
    const v2 = o({
      clocksequence: 12800,
      domain: 'Person',
      id: 1000,
      macvariables: 'local:unicast',
      nodeid: '32-50-96-b3-9f-47',
      time: 1693566990121469600n,
      variant: 'RFC4122',
      version: 2,
    });
    expect(call('uuid.parse', '000003e8-48b9-21ee-b200-325096b39f47')).toEqual(v2);
    expect(call('uuid.parse', 'URN:UUID:000003e8-48b9-21ee-b200-325096b39f47')).toEqual(v2);
    expect(call('uuid.parse', 'not-a-uuid')).toBeUndefined();
  });
});

describe('graph.reachable and graph.reachable_paths', () => {
  const graph = o({
    a: RSet.from(['b', 'c']),
    b: RSet.from(['d']),
    c: RSet.from(['d']),
    d: new RSet(),
    e: RSet.from(['f']),
    f: RSet.from(['e']),
  });

  it('finds reachable nodes through cycles', () => {
    expect((call('graph.reachable', graph, RSet.from(['b', 'e'])) as RSet).sorted()).toEqual([
      'b',
      'd',
      'e',
      'f',
    ]);
    expect((call('graph.reachable', o({ a: null }), ['a']) as RSet).sorted()).toEqual(['a']);
    expect(errorOf('graph.reachable', o({}), 'a')).toBe(
      'eval_type_error: operand 2 must be {array, set} but got string',
    );
    expect(errorOf('graph.reachable', 1, ['a'])).toBe(
      'eval_type_error: operand 1 must be object but got number',
    );
  });

  it('lists paths, ending at cycles and unknown nodes', () => {
    expect((call('graph.reachable_paths', graph, RSet.from(['b', 'e'])) as RSet).sorted()).toEqual([
      ['b', 'd'],
      ['e', 'f'],
    ]);
    const g2 = o({ '1': [], '2': ['1'], '3': ['2'], '4': ['3', '2'], '5': ['4'] });
    expect((call('graph.reachable_paths', g2, ['5']) as RSet).sorted()).toEqual([
      ['5', '4', '2', '1'],
      ['5', '4', '3', '2', '1'],
    ]);
    expect(
      (
        call('graph.reachable_paths', o({ a: ['b'], b: ['nonexistent'] }), RSet.from(['a', 'b'])) as RSet
      ).sorted(),
    ).toEqual([['a', 'b'], ['b']]);
  });
});

describe('walk', () => {
  it('yields every [path, value] pair in canonical order', () => {
    expect(call('walk', o({ b: [1], a: RSet.from(['x']) }))).toEqual([
      [[], o({ b: [1], a: RSet.from(['x']) })],
      [['a'], RSet.from(['x'])],
      [['a', 'x'], 'x'],
      [['b'], [1]],
      [['b', 0], 1],
    ]);
    expect(call('walk', 1)).toEqual([[[], 1]]);
  });
});

describe('io.jwt.decode', () => {
  it('decodes header, payload and signature', () => {
    const token =
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwIiwiaXNzIjoib3BhIn0.XmVoLoHI3pxMtMO_WRONMSJzGUDP9pDjy8Jp0_tdRXY';
    expect(call('io.jwt.decode', token)).toEqual([
      o({ alg: 'HS256', typ: 'JWT' }),
      o({ sub: '0', iss: 'opa' }),
      '5e65682e81c8de9c4cb4c3bf59138d3122731940cff690e3cbc269d3fb5d4576',
    ]);
  });

  it('unwraps nested tokens', () => {
    const nested =
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImN0eSI6IkpXVCJ9.ImV5SmhiR2NpT2lKSVV6STFOaUlzSW5SNWNDSTZJa3BYVkNKOS5leUp6ZFdJaU9pSXdJaXdpYVhOeklqb2liM0JoSW4wLlhtVm9Mb0hJM3B4TXRNT19XUk9OTVNKekdVRFA5cERqeThKcDBfdGRSWFki.8W0qx4mLxslmZl7wEMUWBxH7tST3XsEuWXxesXqFnRI';
    expect((call('io.jwt.decode', nested) as Value[])[1]).toEqual(o({ sub: '0', iss: 'opa' }));
  });

  it("reports OPA's errors", () => {
    expect(errorOf('io.jwt.decode', 'abc')).toBe('eval_builtin_error: encoded JWT had no period separators');
    expect(errorOf('io.jwt.decode', 'a.b')).toBe(
      'eval_builtin_error: encoded JWT must have 3 sections, found 2',
    );
    expect(errorOf('io.jwt.decode', 'eyJhbGciOiJIU^%zI1NiI+sInR5cCI6IkpXVCJ9.e30.e30')).toBe(
      'eval_builtin_error: JWT header had invalid encoding: illegal base64 data at input byte 13',
    );
    expect(
      errorOf(
        'io.jwt.decode',
        'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImVuYyI6ImJsYWgifQ.eyJuZXciOiJJIGFtIGEgdXNlciBjcmVhdGVkIGZpZWxkIiwiaXNzIjoib3BhIn0.McGUb1e-UviZKy6UyQErNNQzEUgeV25Buwk7OHOa8U8',
      ),
    ).toBe('eval_builtin_error: JWT is a JWE object, which is not supported');
  });
});
