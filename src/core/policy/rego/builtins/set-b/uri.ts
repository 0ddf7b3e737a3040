/** uri.parse and uri.is_valid: Go's url.Parse, reported as OPA's object of non-empty parts. */

import { RObject } from '../../value.js';
import { type BuiltinDef, builtinError } from '../types.js';
import { parseURL, splitHostPort, URLError } from './go-url.js';
import { stringArg } from './util.js';

function uriParse(s: string): RObject {
  let u: ReturnType<typeof parseURL>;
  try {
    u = parseURL(s);
  } catch (e) {
    if (e instanceof URLError) throw builtinError(e.message);
    throw e;
  }
  const out = new RObject();
  const { hostname, port } = splitHostPort(u.host);
  if (u.scheme) out.set('scheme', u.scheme);
  if (hostname) out.set('hostname', hostname);
  if (port) out.set('port', port);
  if (u.path) {
    out.set('path', u.path);
    out.set('raw_path', u.rawPath || u.path);
  }
  if (u.rawQuery) out.set('raw_query', u.rawQuery);
  if (u.fragment) out.set('fragment', u.fragment);
  return out;
}

export const uriBuiltins: BuiltinDef[] = [
  { name: 'uri.parse', arity: 1, impl: ([s]) => uriParse(stringArg(s!, 1)) },
  {
    name: 'uri.is_valid',
    arity: 1,
    impl: ([s]) => {
      if (typeof s !== 'string' || s === '') return false;
      try {
        parseURL(s);
        return true;
      } catch (e) {
        if (e instanceof URLError) return false;
        throw e;
      }
    },
  },
];
