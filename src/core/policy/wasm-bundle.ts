/**
 * Reads what the wasm engine needs from an OPA bundle (`opa build -t wasm` → bundle.tar.gz):
 * `/policy.wasm` and the data documents. A tiny ustar reader, so no dependency is needed.
 */
import { gunzipSync } from 'node:zlib';

export interface WasmBundle {
  wasm: Uint8Array;
  /** Merged data documents (`/data.json` at the root, `/a/b/data.json` under `a.b`). */
  data: Record<string, unknown>;
}

const text = (b: Uint8Array, from: number, len: number): string => {
  const slice = b.subarray(from, from + len);
  const nul = slice.indexOf(0);
  return new TextDecoder().decode(nul >= 0 ? slice.subarray(0, nul) : slice);
};

const octal = (b: Uint8Array, from: number, len: number): number => {
  const s = text(b, from, len).trim();
  return s === '' ? 0 : Number.parseInt(s, 8);
};

/** Files of a tar archive (regular files only), honouring ustar prefixes, pax and GNU long names. */
export function readTar(tar: Uint8Array): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  let pos = 0;
  let longName: string | undefined;
  while (pos + 512 <= tar.length) {
    const header = tar.subarray(pos, pos + 512);
    if (header.every((x) => x === 0)) break;
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156] ?? 48);
    const prefix = text(header, 345, 155);
    let name = text(header, 0, 100);
    if (prefix) name = `${prefix}/${name}`;
    const body = tar.subarray(pos + 512, pos + 512 + size);
    pos += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = text(body, 0, body.length);
      continue;
    }
    if (type === 'x') {
      const m = /\d+ path=([^\n]*)\n/.exec(new TextDecoder().decode(body));
      if (m) longName = m[1];
      continue;
    }
    if (longName !== undefined) {
      name = longName;
      longName = undefined;
    }
    if (type === '0' || type === '\0') files.set(`/${name.replace(/^\.?\/+/, '')}`, body);
  }
  return files;
}

const isGzip = (b: Uint8Array) => b[0] === 0x1f && b[1] === 0x8b;
const isWasm = (b: Uint8Array) => b[0] === 0x00 && b[1] === 0x61 && b[2] === 0x73 && b[3] === 0x6d;

/** Accepts a raw `policy.wasm` or a (gzipped) OPA bundle; throws when neither is recognisable. */
export function readWasmBundle(bytes: Uint8Array): WasmBundle {
  if (isWasm(bytes)) return { wasm: bytes, data: {} };
  const files = readTar(isGzip(bytes) ? gunzipSync(bytes) : bytes);
  const wasm = files.get('/policy.wasm');
  if (!wasm) throw new Error('bundle has no /policy.wasm (build it with `opa build -t wasm`)');
  const data: Record<string, unknown> = {};
  for (const [path, body] of [...files].sort(([a], [b]) => a.length - b.length)) {
    if (!path.endsWith('/data.json')) continue;
    const segments = path.split('/').slice(1, -1);
    let node = data;
    for (const seg of segments) {
      let child = node[seg];
      if (child === null || typeof child !== 'object') {
        child = {};
        node[seg] = child;
      }
      node = child as Record<string, unknown>;
    }
    Object.assign(node, JSON.parse(new TextDecoder().decode(body)));
  }
  return { wasm, data };
}
