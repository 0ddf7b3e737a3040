/**
 * A tiny HTTP server on 127.0.0.1:0 that the cloud fakes build on: it records each request, reads
 * the body, and applies injected faults (5xx, throttling, hangs, dropped connections) before the
 * fake's own handler runs, so tests can drive a provider through failure paths.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  /** Path with duplicate slashes collapsed (the Azure SDK sends `//subscriptions/...`). */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  /** A short operation name the fake assigns (e.g. `sts:AssumeRole`), used to target faults. */
  op?: string;
}

export interface FakeReply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export type Fault =
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  | { kind: 'hang' }
  | { kind: 'reset' };

interface FaultRule {
  op: string | RegExp;
  fault: Fault;
  remaining: number;
}

export class HttpFake {
  readonly requests: FakeRequest[] = [];
  private server?: Server;
  private rules: FaultRule[] = [];
  private hung: ServerResponse[] = [];

  constructor(
    private readonly classify: (req: FakeRequest) => string,
    private readonly handle: (req: FakeRequest) => FakeReply | Promise<FakeReply>,
  ) {}

  /** Injects `fault` for the next `times` requests whose op matches. */
  inject(op: string | RegExp, fault: Fault, times = 1): void {
    this.rules.push({ op, fault, remaining: times });
  }

  clearFaults(): void {
    this.rules = [];
  }

  count(op: string): number {
    return this.requests.filter((r) => r.op === op).length;
  }

  get url(): string {
    const addr = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${addr.port}`;
  }

  get port(): number {
    return (this.server!.address() as AddressInfo).port;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.onRequest(req, res));
    await new Promise<void>((ok) => this.server!.listen(0, '127.0.0.1', ok));
    return this;
  }

  async stop(): Promise<void> {
    for (const res of this.hung) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((ok) => (this.server ? this.server.close(() => ok()) : ok()));
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    // Collapse leading slashes first: `//subscriptions/...` would otherwise parse as a host name.
    const url = new URL((req.url ?? '/').replace(/^\/{2,}/, '/'), 'http://x');
    const fr: FakeRequest = {
      method: req.method ?? 'GET',
      path: url.pathname.replace(/\/{2,}/g, '/'),
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    fr.op = this.classify(fr);
    this.requests.push(fr);
    const rule = this.rules.find(
      (r) => r.remaining > 0 && (typeof r.op === 'string' ? r.op === fr.op : r.op.test(fr.op!)),
    );
    if (rule) {
      rule.remaining--;
      if (rule.fault.kind === 'hang') return void this.hung.push(res);
      if (rule.fault.kind === 'reset') return void req.socket.destroy();
      res.writeHead(rule.fault.status, rule.fault.headers ?? {});
      return void res.end(rule.fault.body ?? '');
    }
    try {
      const reply = await this.handle(fr);
      res.writeHead(reply.status, reply.headers ?? {});
      res.end(reply.body ?? '');
    } catch (e) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`fake crashed: ${(e as Error).message}`);
    }
  }
}
