/** A real local webhook receiver: verifies signatures, dedupes by event id, answers as told. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '../../src/notify/signature.js';

export interface Received {
  id: string;
  type: string;
  body: Record<string, any>;
  signature: string;
  raw: string;
  at: number;
}

export interface Receiver {
  url: string;
  /** Every POST, duplicates included. */
  all: Received[];
  /** First delivery of each event id. */
  unique: Map<string, Received>;
  /** 2xx answers to an event id already answered 2xx: what a receiver's dedupe absorbs. */
  duplicates(): number;
  okCount: number;
  /** Decides the status of each POST (default 200); `headers` are added to the answer. */
  answer: (r: Received, n: number) => { status: number; headers?: Record<string, string> } | number;
  /** Secret the receiver checks (deliveries that fail to verify are counted in `badSignatures`). */
  secret?: string;
  badSignatures: number;
  close(): Promise<void>;
}

export async function startReceiver(secret?: string): Promise<Receiver> {
  const rec: Receiver = {
    url: '',
    all: [],
    unique: new Map(),
    duplicates: () => rec.okCount - rec.unique.size,
    okCount: 0,
    answer: () => 200,
    secret,
    badSignatures: 0,
    close: () => new Promise((r) => server.close(() => r())),
  };
  const server: Server = createServer(async (req, res) => {
    const raw = await readBody(req);
    const r: Received = {
      id: String(req.headers['x-jitsudo-event-id']),
      type: String(req.headers['x-jitsudo-event-type']),
      body: JSON.parse(raw),
      signature: String(req.headers['x-jitsudo-signature-256']),
      raw,
      at: performance.now(),
    };
    if (rec.secret && !verifySignature(r.signature, raw, rec.secret, Math.floor(Date.now() / 1000)))
      rec.badSignatures++;
    rec.all.push(r);
    const a = rec.answer(r, rec.all.filter((x) => x.id === r.id).length);
    const { status, headers } = typeof a === 'number' ? { status: a, headers: {} } : a;
    if (status >= 200 && status < 300) {
      rec.okCount++;
      if (!rec.unique.has(r.id)) rec.unique.set(r.id, r);
    }
    res.writeHead(status, headers).end();
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  rec.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return rec;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Polls `f` until it returns true (bounded; never a fixed sleep). */
export async function until(
  f: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await f())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
