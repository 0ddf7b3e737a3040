/**
 * Real local SIEM receivers for tests: an HTTPS JSON-lines endpoint (test CA) and syslog listeners
 * over TCP and TLS that parse RFC 6587 octet-counted frames and RFC 5424 messages. Each checks what
 * a SIEM would: every row's hash recomputed, prev_hash equal to the hash of the row before, ids
 * increasing; duplicates (ids already seen) are counted, not kept.
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import net, { type AddressInfo, type Socket } from 'node:net';
import tls from 'node:tls';
import { GENESIS_HASH, hashAuditRecord } from '../../src/core/audit/hash.js';
import type { TlsFiles } from '../helpers/tls-files.js';

export interface ChainLog {
  rows: Record<string, any>[];
  duplicates: number;
  /** Every problem found: a bad hash, a broken link, a gap or reordering. Empty when all is well. */
  errors: string[];
}

function newLog(): ChainLog {
  return { rows: [], duplicates: 0, errors: [] };
}

/** What a receiver does with one streamed row. */
function take(log: ChainLog, row: Record<string, any>): void {
  const last = log.rows.at(-1);
  if (last && row.id <= last.id) {
    log.duplicates++;
    return;
  }
  const { hash, mac: _m, mac_key_id: _k, format: _f, ocsf: _o, ...hashed } = row;
  if (hashAuditRecord(hashed as never) !== hash)
    log.errors.push(`row ${row.id}: hash does not match its fields`);
  const want = last ? last.hash : row.id === 1 ? GENESIS_HASH : undefined;
  if (want !== undefined && row.prev_hash !== want)
    log.errors.push(`row ${row.id}: prev_hash breaks the chain`);
  if (!last && row.id !== 1) log.errors.push(`first row received is ${row.id}, not 1`);
  log.rows.push(row);
}

export interface HttpsReceiver {
  url: string;
  log: ChainLog;
  posts: number;
  up(): Promise<void>;
  down(): Promise<void>;
  close(): Promise<void>;
}

/** An HTTPS JSON-lines receiver on a fixed port that can go down and come back. */
export async function startHttpsReceiver(files: TlsFiles): Promise<HttpsReceiver> {
  const log = newLog();
  const sockets = new Set<Socket>();
  let server: https.Server | undefined;
  let port = 0;
  const rx: HttpsReceiver = {
    url: '',
    log,
    posts: 0,
    async up() {
      server = https.createServer(
        { cert: readFileSync(files.certFile), key: readFileSync(files.keyFile) },
        (req, res) => {
          let body = '';
          req.setEncoding('utf8');
          req.on('data', (d) => {
            body += d;
          });
          req.on('end', () => {
            rx.posts++;
            if (req.headers['content-type'] !== 'application/x-ndjson') log.errors.push('bad content-type');
            for (const line of body.split('\n').filter(Boolean)) take(log, JSON.parse(line));
            res.writeHead(204).end();
          });
        },
      );
      server.on('connection', (s: Socket) => {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
      });
      await new Promise<void>((r) => server!.listen(port, '127.0.0.1', r));
      port = (server.address() as AddressInfo).port;
      rx.url = `https://127.0.0.1:${port}/ingest`;
    },
    async down() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
      server = undefined;
    },
    close: () => rx.down(),
  };
  await rx.up();
  return rx;
}

/** RFC 5424 with our SD element: PRI, version, time, host, app, procid, msgid, SD, BOM + JSON. */
const RFC5424 =
  /^<(\d{1,3})>1 (\S+) (\S{1,255}) (\S{1,48}) (\S{1,128}) (\S{1,32}) (\[jitsudo@32473(?: [a-z_]+="(?:[^"\\\]]|\\["\\\]])*")+\]) \uFEFF(.*)$/s;

export interface SyslogReceiver {
  url: string;
  log: ChainLog;
  frames: number;
  /** Messages that failed to parse as RFC 5424 or whose SD disagrees with their JSON. */
  bad: string[];
  up(): Promise<void>;
  down(): Promise<void>;
  close(): Promise<void>;
}

/** A syslog listener (TCP, or TLS with `files`) on a fixed port: octet-counting frames only. */
export async function startSyslogReceiver(files?: TlsFiles, port = 0): Promise<SyslogReceiver> {
  const log = newLog();
  const sockets = new Set<Socket>();
  let server: net.Server | undefined;
  const rx: SyslogReceiver = {
    url: '',
    log,
    frames: 0,
    bad: [],
    async up() {
      const onSocket = (s: Socket) => {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => {});
        let buf = Buffer.alloc(0);
        s.on('data', (d: Buffer) => {
          buf = Buffer.concat([buf, d]);
          for (;;) {
            const sp = buf.indexOf(0x20);
            if (sp < 0) return;
            const len = Number(buf.subarray(0, sp).toString('ascii'));
            if (!Number.isInteger(len) || len <= 0) {
              rx.bad.push(`bad frame length ${buf.subarray(0, sp).toString('ascii')}`);
              s.destroy();
              return;
            }
            if (buf.length < sp + 1 + len) return;
            const msg = buf.subarray(sp + 1, sp + 1 + len).toString('utf8');
            buf = buf.subarray(sp + 1 + len);
            rx.frames++;
            const m = RFC5424.exec(msg);
            if (!m) {
              rx.bad.push(msg.slice(0, 120));
              continue;
            }
            const row = JSON.parse(m[8]!);
            const sd = m[7]!;
            if (
              !sd.includes(`hash="${row.hash}"`) ||
              !sd.includes(`prev_hash="${row.prev_hash}"`) ||
              !sd.includes(` id="${row.id}"`)
            )
              rx.bad.push(`row ${row.id}: structured data disagrees with the message`);
            if (m[6] !== row.action.slice(0, 32)) rx.bad.push(`row ${row.id}: msgid is not the action`);
            if (m[2] !== row.ts) rx.bad.push(`row ${row.id}: timestamp differs`);
            take(log, row);
          }
        });
      };
      server = files
        ? tls.createServer({ cert: readFileSync(files.certFile), key: readFileSync(files.keyFile) }, onSocket)
        : net.createServer(onSocket);
      await new Promise<void>((r) => server!.listen(port, '127.0.0.1', r));
      port = (server.address() as AddressInfo).port;
      rx.url = `syslog+${files ? 'tls' : 'tcp'}://127.0.0.1:${port}`;
    },
    async down() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
      server = undefined;
    },
    close: () => rx.down(),
  };
  await rx.up();
  return rx;
}

/** A free TCP port on 127.0.0.1 nobody listens on (yet). */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
