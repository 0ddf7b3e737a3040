/**
 * The pieces of Go's net package the CIDR builtins rely on, byte for byte: IPs are 4- or 16-byte
 * arrays (IPv4 parsed as IPv4-mapped IPv6), masks likewise, and To4/Mask/Contains/String behave
 * as in Go so that edge cases (mapped addresses, class-based default masks) match OPA.
 */

export type IP = Uint8Array;
export interface IPNet {
  ip: IP;
  mask: IP;
}

const V4_IN_V6 = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

function parseIPv4(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    // netip rejects empty fields, leading zeros and values over 255.
    if (!/^\d{1,3}$/.test(p) || (p.length > 1 && p[0] === '0')) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

function parseIPv6(s: string): number[] | undefined {
  let head = s;
  let v4: number[] = [];
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.')) {
    const parsed = parseIPv4(s.slice(lastColon + 1));
    if (!parsed) return undefined;
    v4 = parsed;
    head = s.slice(0, lastColon + 1);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      const n = Number.parseInt(g, 16);
      out.push(n >> 8, n & 0xff);
    }
    return out;
  };
  const want = 16 - v4.length;
  const dbl = head.indexOf('::');
  if (dbl >= 0) {
    if (head.indexOf('::', dbl + 1) >= 0) return undefined;
    const left = groups(head.slice(0, dbl));
    const right = groups(head.slice(dbl + 2));
    if (!left || !right || left.length + right.length >= want) return undefined;
    return [...left, ...new Array(want - left.length - right.length).fill(0), ...right, ...v4];
  }
  const all = groups(head);
  if (!all || all.length !== want) return undefined;
  return [...all, ...v4];
}

/** Go's `net.ParseIP`: always 16 bytes (IPv4 as ::ffff:a.b.c.d); zones are rejected. */
export function parseIP(s: string): IP | undefined {
  if (s.includes(':')) {
    const b = parseIPv6(s);
    return b ? Uint8Array.from(b) : undefined;
  }
  const v4 = parseIPv4(s);
  return v4 ? Uint8Array.from([...V4_IN_V6, ...v4]) : undefined;
}

/** Go's `IP.To4`. */
export function to4(ip: IP): IP | undefined {
  if (ip.length === 4) return ip;
  if (ip.length === 16 && V4_IN_V6.every((b, i) => ip[i] === b)) return ip.slice(12);
  return undefined;
}

/** Go's `net.CIDRMask(ones, bits)`. */
export function cidrMask(ones: number, bits: number): IP {
  const m = new Uint8Array(bits / 8);
  for (let i = 0; i < m.length; i++) {
    const n = Math.max(0, Math.min(8, ones - i * 8));
    m[i] = (0xff00 >> n) & 0xff;
  }
  return m;
}

/** Go's `IP.Mask`. */
export function maskIP(ip: IP, mask: IP): IP | undefined {
  let m = mask;
  let a = ip;
  if (m.length === 16 && a.length === 4 && m.slice(0, 12).every((b) => b === 0xff)) m = m.slice(12);
  if (m.length === 4 && a.length === 16 && V4_IN_V6.every((b, i) => a[i] === b)) a = a.slice(12);
  if (m.length !== a.length) return undefined;
  return a.map((b, i) => b & m[i]!);
}

/** Go's `net.ParseCIDR`: the network (masked IP) or undefined. */
export function parseCIDR(s: string): { ip: IP; net: IPNet } | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const addr = s.slice(0, slash);
  const bitsText = s.slice(slash + 1);
  const ip = parseIP(addr);
  if (!ip) return undefined;
  const isV4 = !addr.includes(':');
  const bits = isV4 ? 32 : 128;
  if (!/^\d+$/.test(bitsText)) return undefined;
  const ones = Number(bitsText);
  if (ones > bits) return undefined;
  const mask = cidrMask(ones, bits);
  return { ip, net: { ip: maskIP(ip, mask)!, mask } };
}

function networkNumberAndMask(n: IPNet): [IP, IP] | undefined {
  let ip = to4(n.ip);
  if (!ip) {
    ip = n.ip;
    if (ip.length !== 16) return undefined;
  }
  let m = n.mask;
  if (m.length === 4) {
    if (ip.length !== 4) return undefined;
  } else if (m.length === 16) {
    if (ip.length === 4) m = m.slice(12);
  } else return undefined;
  return [ip, m];
}

/** Go's `IPNet.Contains`. */
export function netContains(n: IPNet, ip: IP): boolean {
  const nm = networkNumberAndMask(n);
  if (!nm) return false;
  const [nn, m] = nm;
  const x = to4(ip) ?? ip;
  if (x.length !== nn.length) return false;
  for (let i = 0; i < x.length; i++) if ((nn[i]! & m[i]!) !== (x[i]! & m[i]!)) return false;
  return true;
}

/** Go's `IPMask.Size` (ones, bits), or [0, 0] for a non-canonical mask. */
export function maskSize(m: IP): [number, number] {
  let ones = 0;
  let i = 0;
  for (; i < m.length && m[i] === 0xff; i++) ones += 8;
  if (i < m.length) {
    let b = m[i]!;
    while (b & 0x80) {
      ones++;
      b = (b << 1) & 0xff;
    }
    if (b !== 0) return [0, 0];
    for (i++; i < m.length; i++) if (m[i] !== 0) return [0, 0];
  }
  return [ones, m.length * 8];
}

/** Go's `IP.String`: dotted quad for IPv4 (incl. mapped), RFC 5952 text for IPv6. */
export function ipString(ip: IP): string {
  const v4 = to4(ip);
  if (v4) return [...v4].join('.');
  if (ip.length !== 16) return `?${Buffer.from(ip).toString('hex')}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((ip[i]! << 8) | ip[i + 1]!);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (g: number[]) => g.map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

/** Go's `IPNet.String`. */
export function netString(n: IPNet): string {
  const nm = networkNumberAndMask(n);
  if (!nm) return '<nil>';
  const [nn, m] = nm;
  const [ones, bits] = maskSize(m);
  if (bits === 0) return `${ipString(nn)}/${Buffer.from(m).toString('hex')}`;
  return `${ipString(nn)}/${ones}`;
}

/** Go's `IP.DefaultMask` (class A/B/C) for an IPv4 address. */
export function defaultMask(ip: IP): IP | undefined {
  const v4 = to4(ip);
  if (!v4) return undefined;
  if (v4[0]! < 0x80) return cidrMask(8, 32);
  if (v4[0]! < 0xc0) return cidrMask(16, 32);
  return cidrMask(24, 32);
}

/** Big-endian integer value of an IP's bytes. */
export function ipToBigInt(ip: IP): bigint {
  let n = 0n;
  for (const b of ip) n = (n << 8n) | BigInt(b);
  return n;
}

/** `n` as a big-endian byte array of `len` bytes. */
export function bigIntToIP(n: bigint, len: number): IP {
  const out = new Uint8Array(len);
  for (let i = len - 1; i >= 0; i--) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}
