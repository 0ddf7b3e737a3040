/**
 * Mixed load for the HA test, spread over whichever replicas are up: requests auto-approved and
 * pending, approvals, denials, revokes, and an agent over MCP (the SDK's client, Streamable HTTP).
 * Every call's outcome goes into a ledger. A call whose connection broke (its replica was killed
 * under it) is "unknown", never "accepted": only a 2xx answer counts as accepted.
 */
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { isApiError } from '../../../src/client/index.js';
import type { Live, ReplicaPool } from './replica-pool.js';

export interface Ledger {
  /** Request id → how it was made (auto, pending, agent): every one was answered 2xx. */
  created: Map<string, string>;
  approved: Set<string>;
  denied: Set<string>;
  /** Request id → the state the revoke answered with (REVOKED, or ACTIVE while the revoke is retried). */
  revoked: Map<string, string>;
  accepted: number;
  /** Calls cut by a kill: their outcome is not known to the client. */
  unknown: number;
  /** 4xx answers by code (e.g. a decision on a request another replica already settled). */
  refused: Map<string, number>;
  /** 500s and anything else a live replica must never answer. */
  serverErrors: string[];
  mcpCalls: number;
}

export const newLedger = (): Ledger => ({
  created: new Map(),
  approved: new Set(),
  denied: new Set(),
  revoked: new Map(),
  accepted: 0,
  unknown: 0,
  refused: new Map(),
  serverErrors: [],
  mcpCalls: 0,
});

export interface Target {
  /** The role granted (exists on the server) and the database it is granted on (the scope). */
  role: string;
  database: string;
}

const count = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

/** True for errors of a connection that broke or never opened: the outcome is unknown. */
const isCut = (e: unknown) =>
  isApiError(e)
    ? e.code === 'UNREACHABLE' || e.code === 'BAD_RESPONSE'
    : /fetch failed|ECONNREFUSED|ECONNRESET|socket|terminated|aborted|closed/i.test(String(e));

export class HaLoad {
  readonly ledger = newLedger();
  #stop = false;
  readonly #mcp = new Map<string, Promise<McpClient>>();

  constructor(
    private readonly pool: ReplicaPool,
    private readonly target: Target,
  ) {}

  stop(): void {
    this.#stop = true;
  }

  /** Runs `fn` on a replica that is up; undefined unless it was accepted (2xx). */
  async #call<T>(fn: (l: Live) => Promise<T>): Promise<T | undefined> {
    const live = this.pool.pick();
    if (!live) return undefined; // every replica down: nothing sent
    try {
      const r = await fn(live);
      this.ledger.accepted++;
      return r;
    } catch (e) {
      if (isCut(e)) this.ledger.unknown++;
      else if (isApiError(e) && e.status >= 400 && e.status < 500) count(this.ledger.refused, e.code);
      else this.ledger.serverErrors.push(`${live.url}: ${String(e).slice(0, 500)}`);
      return undefined;
    }
  }

  /** A human worker: creates, then decides or revokes, until stopped. */
  async human(n: number): Promise<void> {
    const { role, database } = this.target;
    for (let i = 0; !this.#stop; i++) {
      const kind = (n + i) % 4; // 0, 1 auto-approved; 2 approved by bob; 3 denied by bob
      const req = await this.#call((l) =>
        l.as.alice.createRequest({
          provider: 'postgres',
          role,
          resource_scope: database,
          duration_seconds: 3 + (i % 4),
          reason: `${kind < 2 ? 'auto' : 'pending'} ${n}/${i}`,
        }),
      );
      if (!req) continue;
      this.ledger.created.set(req.id, kind < 2 ? 'auto' : 'pending');
      if (kind < 2 && i % 3 === 0 && req.state === 'ACTIVE') {
        const r = await this.#call((l) => l.as.root.revokeRequest(req.id, { reason: 'ha: early end' }));
        if (r) this.ledger.revoked.set(req.id, r.state);
      } else if (kind === 2) {
        if (await this.#call((l) => l.as.bob.approveRequest(req.id))) this.ledger.approved.add(req.id);
      } else if (kind === 3) {
        const r = await this.#call((l) => l.as.bob.denyRequest(req.id, { reason: 'ha: no' }));
        if (r) this.ledger.denied.add(req.id);
      }
    }
  }

  /** The MCP client of a replica's current start (connected once, dropped when the call is cut). */
  #mcpFor(l: Live): Promise<McpClient> {
    const key = `${l.index}/${l.generation}`;
    let c = this.#mcp.get(key);
    if (!c) {
      c = (async () => {
        const transport = new StreamableHTTPClientTransport(new URL(`${l.url}/mcp`), {
          requestInit: { headers: { authorization: `Bearer ${l.tokens.agent}` } },
        });
        const client = new McpClient({ name: 'ha-agent', version: '1.0.0' });
        await client.connect(transport);
        return client;
      })();
      this.#mcp.set(key, c);
      c.catch(() => this.#mcp.delete(key));
    }
    return c;
  }

  async #tool(name: string, args: Record<string, unknown>): Promise<CallToolResult | undefined> {
    const r = await this.#call(async (l) => {
      const client = await this.#mcpFor(l);
      this.ledger.mcpCalls++;
      return (await client.callTool({ name, arguments: args }, undefined, {
        timeout: 20_000,
      })) as CallToolResult;
    });
    if (r?.isError) {
      this.ledger.accepted--; // an error result is a refusal, not an accepted call
      const text = r.content.map((c) => (c.type === 'text' ? c.text : '')).join(' ');
      count(this.ledger.refused, `mcp:${/"code":"(\w+)"/.exec(text)?.[1] ?? 'error'}`);
      if (/INTERNAL/.test(text)) this.ledger.serverErrors.push(`mcp ${name}: ${text.slice(0, 500)}`);
      return undefined;
    }
    return r;
  }

  /** The agent: request_access (auto-approved), then reads it back, maybe from another replica. */
  async agent(): Promise<void> {
    const { role, database } = this.target;
    for (let i = 0; !this.#stop; i++) {
      const r = await this.#tool('request_access', {
        provider: 'postgres',
        role,
        scope: database,
        duration: 3 + (i % 3),
        reason: `auto agent ${i}`,
      });
      const id = (r?.structuredContent as { request?: { id?: string } } | undefined)?.request?.id;
      if (!id) continue;
      this.ledger.created.set(id, 'agent');
      const read = await this.#tool('get_request', { request_id: id });
      const got = (read?.structuredContent as { request?: { id?: string } } | undefined)?.request?.id;
      if (read && got !== id) this.ledger.serverErrors.push(`get_request ${id} answered ${got}`);
    }
  }

  async close(): Promise<void> {
    for (const c of this.#mcp.values()) await c.then((x) => x.close()).catch(() => {});
  }
}
