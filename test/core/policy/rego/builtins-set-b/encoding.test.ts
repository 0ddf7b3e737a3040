import { describe, expect, it } from 'vitest';
import { RObject, RSet, type Value } from '../../../../../src/core/policy/rego/value.js';
import { call, errorOf } from './helpers.js';

const o = (x: Record<string, Value>) => RObject.from(Object.entries(x));

describe('base64 and base64url', () => {
  it('round-trips UTF-8 text', () => {
    expect(call('base64.encode', 'subjects?_d')).toBe('c3ViamVjdHM/X2Q=');
    expect(call('base64.decode', 'c3ViamVjdHM/X2Q=')).toBe('subjects?_d');
    expect(call('base64.encode', 'héllo')).toBe('aMOpbGxv');
    expect(call('base64url.encode', 'subjects?_d')).toBe('c3ViamVjdHM_X2Q=');
    expect(call('base64url.encode_no_pad', 'hello')).toBe('aGVsbG8');
    expect(call('base64url.decode', 'aGVsbG8')).toBe('hello');
    expect(call('base64url.decode', 'aGVsbG8=')).toBe('hello');
  });

  it("accepts and rejects exactly what Go's decoder does", () => {
    expect(call('base64.is_valid', 'aGVsbG8=')).toBe(true);
    expect(call('base64.is_valid', "{'not':'base64'}")).toBe(false);
    expect(call('base64.is_valid', 'aGVsbG8')).toBe(false);
    expect(call('base64.is_valid', 'aGVs\nbG8=')).toBe(true);
    expect(call('base64.is_valid', 5)).toBe(false);
    expect(errorOf('base64.decode', 'aGVsbG8')).toBe(
      'eval_builtin_error: illegal base64 data at input byte 4',
    );
    expect(errorOf('base64.decode', 'aGVsbG8=x')).toBe(
      'eval_builtin_error: illegal base64 data at input byte 8',
    );
    expect(errorOf('base64url.decode', 'a')).toBe('eval_builtin_error: illegal base64url string: a');
    expect(errorOf('base64url.decode', 'ab+c')).toBe(
      'eval_builtin_error: illegal base64 data at input byte 2',
    );
  });
});

describe('hex', () => {
  it('encodes and decodes bytes', () => {
    expect(call('hex.encode', 'lorem ipsum')).toBe('6c6f72656d20697073756d');
    expect(call('hex.decode', '6c6f72656d20697073756d')).toBe('lorem ipsum');
    expect(call('hex.decode', 'C3A9')).toBe('é');
    expect(errorOf('hex.decode', 'fghijkl')).toBe(
      "eval_builtin_error: encoding/hex: invalid byte: U+0067 'g'",
    );
    expect(errorOf('hex.decode', 'abc')).toBe('eval_builtin_error: encoding/hex: odd length hex string');
  });
});

describe('urlquery', () => {
  it('escapes like Go url.QueryEscape', () => {
    expect(call('urlquery.encode', 'a=b+1')).toBe('a%3Db%2B1');
    expect(call('urlquery.encode', 'x y~é')).toBe('x+y~%C3%A9');
    expect(call('urlquery.decode', 'a%3Db%2B1+c')).toBe('a=b+1 c');
    expect(errorOf('urlquery.decode', '%zz')).toBe('eval_builtin_error: invalid URL escape "%zz"');
  });

  it('encodes and decodes objects of string lists', () => {
    expect(call('urlquery.encode_object', o({ c: 'd', a: 'b' }))).toBe('a=b&c=d');
    expect(call('urlquery.encode_object', o({ a: ['b+1', 'c+2'] }))).toBe('a=b%2B1&a=c%2B2');
    expect(call('urlquery.encode_object', o({ a: RSet.from(['b+1']) }))).toBe('a=b%2B1');
    expect(call('urlquery.encode_object', o({}))).toBe('');
    expect(errorOf('urlquery.encode_object', o({ a: 1 }))).toBe(
      'eval_type_error: operand 1 values must be string, array[string], or set[string]',
    );
    expect(call('urlquery.decode_object', 'a=value_a1&b=value_b&a=value_a2')).toEqual(
      o({ a: ['value_a1', 'value_a2'], b: ['value_b'] }),
    );
    expect(call('urlquery.decode_object', 'a=value_a1&b')).toEqual(o({ a: ['value_a1'], b: [''] }));
    expect(call('urlquery.decode_object', '')).toEqual(o({}));
    expect(errorOf('urlquery.decode_object', 'a=1;b=2')).toBe(
      'eval_builtin_error: invalid semicolon separator in query',
    );
  });
});

describe('uri.parse and uri.is_valid', () => {
  it('reports the non-empty parts of a URL', () => {
    expect(call('uri.parse', 'https://example.com:8080/api?q=1#top')).toEqual(
      o({
        scheme: 'https',
        hostname: 'example.com',
        port: '8080',
        path: '/api',
        raw_path: '/api',
        raw_query: 'q=1',
        fragment: 'top',
      }),
    );
    expect(call('uri.parse', 'http://[::1]:8080/path')).toEqual(
      o({ scheme: 'http', hostname: '::1', port: '8080', path: '/path', raw_path: '/path' }),
    );
    expect(call('uri.parse', 'https://example.com/path%2Fwith%2Fslashes')).toEqual(
      o({
        scheme: 'https',
        hostname: 'example.com',
        path: '/path/with/slashes',
        raw_path: '/path%2Fwith%2Fslashes',
      }),
    );
    expect(call('uri.parse', 'https://example.com/a%28b%29')).toEqual(
      o({ scheme: 'https', hostname: 'example.com', path: '/a(b)', raw_path: '/a(b)' }),
    );
    expect(call('uri.parse', 'http://foo]bar/')).toEqual(
      o({ scheme: 'http', hostname: 'foo]bar', path: '/', raw_path: '/' }),
    );
    expect(call('uri.parse', 'mailto:user@example.com')).toEqual(o({ scheme: 'mailto' }));
    expect(call('uri.parse', '')).toEqual(o({}));
  });

  it("rejects what Go's url.Parse rejects, with its messages", () => {
    expect(errorOf('uri.parse', 'http://exa%6dple.com/')).toBe(
      'eval_builtin_error: parse "http://exa%6dple.com/": invalid URL escape "%6d"',
    );
    expect(errorOf('uri.parse', 'http://a<b@example.com/')).toBe(
      'eval_builtin_error: parse "http://a<b@example.com/": net/url: invalid userinfo',
    );
    expect(errorOf('uri.parse', 'http://example.com:٣٤/')).toBe(
      'eval_builtin_error: parse "http://example.com:٣٤/": invalid port ":٣٤" after host',
    );
    expect(errorOf('uri.parse', ':foo')).toBe('eval_builtin_error: parse ":foo": missing protocol scheme');
    expect(call('uri.is_valid', 'https://example.com/path?q=1')).toBe(true);
    expect(call('uri.is_valid', '')).toBe(false);
    expect(call('uri.is_valid', 'http://[invalid')).toBe(false);
    expect(call('uri.is_valid', 'http://user name@example.com/')).toBe(false);
    expect(call('uri.is_valid', 'http://foo]bar/')).toBe(true);
  });
});
