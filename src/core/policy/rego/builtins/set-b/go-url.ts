/**
 * A port of the parts of Go's net/url that OPA's builtins use: Parse, QueryEscape/QueryUnescape,
 * ParseQuery and Values.Encode. Work happens on binary strings (one char per UTF-8 byte) because
 * Go's escaping rules are defined on bytes.
 */
import { fromBin, goQuote, toBin } from './util.js';

type Mode = 'path' | 'pathSegment' | 'host' | 'zone' | 'userPassword' | 'queryComponent' | 'fragment';

/** Go's net/url error, whose text is what OPA reports. */
export class URLError extends Error {}

const isAlnum = (c: string) => /^[A-Za-z0-9]$/.test(c);
const isHex = (c: string | undefined) => c !== undefined && /^[0-9A-Fa-f]$/.test(c);
const HOST_OK = new Set([
  '!',
  '$',
  '&',
  "'",
  '(',
  ')',
  '*',
  '+',
  ',',
  ';',
  '=',
  ':',
  '[',
  ']',
  '<',
  '>',
  '"',
]);
const RESERVED = new Set(['$', '&', '+', ',', '/', ':', ';', '=', '?', '@']);

function shouldEscape(c: string, mode: Mode): boolean {
  if (isAlnum(c)) return false;
  if ((mode === 'host' || mode === 'zone') && HOST_OK.has(c)) return false;
  if (c === '-' || c === '_' || c === '.' || c === '~') return false;
  if (RESERVED.has(c)) {
    switch (mode) {
      case 'path':
        return c === '?';
      case 'pathSegment':
        return c === '/' || c === ';' || c === ',' || c === '?';
      case 'userPassword':
        return c === '@' || c === '/' || c === '?' || c === ':';
      case 'queryComponent':
        return true;
      case 'fragment':
        return false;
    }
  }
  if (mode === 'fragment' && (c === '!' || c === '(' || c === ')' || c === '*')) return false;
  return true;
}

const quoteBin = (s: string) => goQuote(fromBin(s));

/** Go's `unescape` on a binary string; returns a binary string. */
function urlUnescape(s: string, mode: Mode): string {
  for (let i = 0; i < s.length; ) {
    const c = s[i]!;
    if (c === '%') {
      if (i + 2 >= s.length || !isHex(s[i + 1]) || !isHex(s[i + 2])) {
        throw new URLError(`invalid URL escape ${quoteBin(s.slice(i, i + 3))}`);
      }
      const v = Number.parseInt(s.slice(i + 1, i + 3), 16);
      if (mode === 'host' && v < 0x80 && s.slice(i, i + 3) !== '%25') {
        throw new URLError(`invalid URL escape ${quoteBin(s.slice(i, i + 3))}`);
      }
      if (
        mode === 'zone' &&
        s.slice(i, i + 3) !== '%25' &&
        v !== 0x20 &&
        shouldEscape(String.fromCharCode(v), 'host')
      ) {
        throw new URLError(`invalid URL escape ${quoteBin(s.slice(i, i + 3))}`);
      }
      i += 3;
    } else {
      if ((mode === 'host' || mode === 'zone') && c.charCodeAt(0) < 0x80 && shouldEscape(c, mode)) {
        throw new URLError(`invalid character ${quoteBin(c)} in host name`);
      }
      i++;
    }
  }
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '%') {
      out += String.fromCharCode(Number.parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else out += c === '+' && mode === 'queryComponent' ? ' ' : c;
  }
  return out;
}

/** Go's `escape` on a binary string. */
function urlEscape(s: string, mode: Mode): string {
  let out = '';
  for (const c of s) {
    if (!shouldEscape(c, mode)) out += c;
    else if (c === ' ' && mode === 'queryComponent') out += '+';
    else out += `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** `url.QueryEscape`. */
export function queryEscape(s: string): string {
  return urlEscape(toBin(s), 'queryComponent');
}

/** `url.QueryUnescape`; throws URLError. */
export function queryUnescape(s: string): string {
  return fromBin(urlUnescape(toBin(s), 'queryComponent'));
}

/** `url.ParseQuery`: keys in first-seen order, values in order; the first error is thrown after parsing. */
export function parseQuery(query: string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  let firstError: Error | undefined;
  for (const part of query.split('&')) {
    if (part.includes(';')) {
      firstError ??= new URLError('invalid semicolon separator in query');
      continue;
    }
    if (part === '') continue;
    const eq = part.indexOf('=');
    try {
      const key = queryUnescape(eq < 0 ? part : part.slice(0, eq));
      const value = queryUnescape(eq < 0 ? '' : part.slice(eq + 1));
      m.set(key, [...(m.get(key) ?? []), value]);
    } catch (e) {
      firstError ??= e as Error;
    }
  }
  if (firstError) throw firstError;
  return m;
}

/** `url.Values.Encode`: keys sorted bytewise, each value escaped. */
export function encodeQuery(values: Map<string, string[]>): string {
  const keys = [...values.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const parts: string[] = [];
  for (const k of keys) for (const v of values.get(k)!) parts.push(`${queryEscape(k)}=${queryEscape(v)}`);
  return parts.join('&');
}

export interface ParsedURL {
  scheme: string;
  opaque: string;
  host: string;
  path: string;
  rawPath: string;
  rawQuery: string;
  fragment: string;
}

function getScheme(raw: string): [string, string] {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (/[A-Za-z]/.test(c)) continue;
    if (/[0-9+.-]/.test(c)) {
      if (i === 0) return ['', raw];
      continue;
    }
    if (c === ':') {
      if (i === 0) throw new URLError('missing protocol scheme');
      return [raw.slice(0, i), raw.slice(i + 1)];
    }
    return ['', raw];
  }
  return ['', raw];
}

function validOptionalPort(port: string): boolean {
  if (port === '') return true;
  if (port[0] !== ':') return false;
  for (const c of port.slice(1)) if (c < '0' || c > '9') return false;
  return true;
}

function parseHost(host: string): string {
  if (host.startsWith('[')) {
    const i = host.lastIndexOf(']');
    if (i < 0) throw new URLError("missing ']' in host");
    const colonPort = host.slice(i + 1);
    if (!validOptionalPort(colonPort)) throw new URLError(`invalid port ${quoteBin(colonPort)} after host`);
    const zone = host.slice(0, i).indexOf('%25');
    if (zone >= 0) {
      return (
        urlUnescape(host.slice(0, zone), 'host') +
        urlUnescape(host.slice(zone, i), 'zone') +
        urlUnescape(host.slice(i), 'host')
      );
    }
  } else {
    const i = host.lastIndexOf(':');
    if (i !== -1) {
      const colonPort = host.slice(i);
      if (!validOptionalPort(colonPort)) throw new URLError(`invalid port ${quoteBin(colonPort)} after host`);
    }
  }
  return urlUnescape(host, 'host');
}

const USERINFO_OK = /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/;

function parseAuthority(authority: string): string {
  const i = authority.lastIndexOf('@');
  const host = parseHost(i < 0 ? authority : authority.slice(i + 1));
  if (i >= 0) {
    const userinfo = authority.slice(0, i);
    if (!USERINFO_OK.test(userinfo)) throw new URLError('net/url: invalid userinfo');
    for (const part of userinfo.split(':', 2)) urlUnescape(part, 'userPassword');
  }
  return host;
}

function parse(raw: string): ParsedURL {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: Go rejects ASCII control bytes in URLs.
  if (/[\x00-\x1f\x7f]/.test(raw)) throw new URLError('net/url: invalid control character in URL');
  const u: ParsedURL = {
    scheme: '',
    opaque: '',
    host: '',
    path: '',
    rawPath: '',
    rawQuery: '',
    fragment: '',
  };
  if (raw === '*') {
    u.path = '*';
    return u;
  }
  let rest: string;
  [u.scheme, rest] = getScheme(raw);
  u.scheme = u.scheme.toLowerCase();
  if (rest.endsWith('?') && rest.split('?').length === 2) rest = rest.slice(0, -1);
  else {
    const q = rest.indexOf('?');
    if (q >= 0) {
      u.rawQuery = rest.slice(q + 1);
      rest = rest.slice(0, q);
    }
  }
  if (!rest.startsWith('/')) {
    if (u.scheme !== '') {
      u.opaque = rest;
      return u;
    }
    if (rest.split('/')[0]!.includes(':'))
      throw new URLError('first path segment in URL cannot contain colon');
  }
  if ((u.scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    rest = '';
    const slash = authority.indexOf('/');
    if (slash >= 0) {
      rest = authority.slice(slash);
      authority = authority.slice(0, slash);
    }
    u.host = parseAuthority(authority);
  }
  u.path = urlUnescape(rest, 'path');
  u.rawPath = urlEscape(u.path, 'path') === rest ? '' : rest;
  return u;
}

/** `url.Parse`; fields are ordinary (UTF-16) strings; throws URLError with Go's message. */
export function parseURL(rawURL: string): ParsedURL {
  const bin = toBin(rawURL);
  const hash = bin.indexOf('#');
  const base = hash < 0 ? bin : bin.slice(0, hash);
  let u: ParsedURL;
  try {
    u = parse(base);
  } catch (e) {
    throw new URLError(`parse ${quoteBin(base)}: ${(e as Error).message}`);
  }
  if (hash >= 0) {
    try {
      u.fragment = urlUnescape(bin.slice(hash + 1), 'fragment');
    } catch (e) {
      throw new URLError(`parse ${quoteBin(bin)}: ${(e as Error).message}`);
    }
  }
  return {
    scheme: fromBin(u.scheme),
    opaque: fromBin(u.opaque),
    host: fromBin(u.host),
    path: fromBin(u.path),
    rawPath: fromBin(u.rawPath),
    rawQuery: fromBin(u.rawQuery),
    fragment: fromBin(u.fragment),
  };
}

/** `URL.Hostname()` and `URL.Port()` from a parsed host. */
export function splitHostPort(hostPort: string): { hostname: string; port: string } {
  let host = hostPort;
  let port = '';
  const colon = host.lastIndexOf(':');
  if (colon !== -1 && validOptionalPort(host.slice(colon))) {
    port = host.slice(colon + 1);
    host = host.slice(0, colon);
  }
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return { hostname: host, port };
}
