/**
 * Several jitsudod processes on one database, for the HA test: each replica keeps its own home but
 * shares the config file and the master key (as a deployment's replicas share `encryption.key`).
 * `kill9` SIGKILLs one and starts it again in the background (a new port: its clients are made
 * anew, with tokens it minted itself); callers only ever use a replica while it is up.
 */
import { randomBytes } from 'node:crypto';
import { type Client, createClient } from '../../../src/client/index.js';
import { type ServerProcess, startJitsudod, tempHome } from './processes.js';

/** Identities the load uses; `kind: agent` is the MCP caller. */
export const PEOPLE = {
  alice: { email: 'alice@example.com', groups: ['ha-requesters'] },
  bob: { email: 'bob@example.com', groups: ['ha-approvers'] },
  root: { email: 'root@example.com', groups: ['jitsudo-admins'] },
  agent: { email: 'ha-agent@example.com', groups: [] as string[], kind: 'agent' as const },
};
export type Person = keyof typeof PEOPLE;

export interface Live {
  /** Which replica (0..n-1) and which start of it. */
  index: number;
  generation: number;
  url: string;
  server: ServerProcess;
  as: Record<Person, Client>;
  tokens: Record<Person, string>;
}

export class ReplicaPool {
  readonly #configFile: string;
  readonly #key = randomBytes(32).toString('hex');
  readonly #homes: string[];
  readonly #live: (Live | undefined)[];
  readonly #restarts: Promise<void>[] = [];
  readonly startErrors: string[] = [];
  kills = 0;
  #next = 0;

  constructor(configFile: string, count: number) {
    this.#configFile = configFile;
    this.#homes = Array.from({ length: count }, (_, i) => tempHome(`ha-replica-${i}`));
    this.#live = Array.from({ length: count }, () => undefined);
  }

  /** Starts every replica (in parallel: the first to take the migration lock migrates). */
  async startAll(): Promise<void> {
    await Promise.all(this.#homes.map((_, i) => this.#start(i, 0)));
  }

  async #start(index: number, generation: number): Promise<void> {
    const server = await startJitsudod({
      home: this.#homes[index],
      args: ['--config', this.#configFile],
      env: { JITSUDOD_ENCRYPTION_KEY: this.#key },
      timeoutMs: 120_000,
    });
    const anon = createClient({ server: server.url });
    const tokens = {} as Record<Person, string>;
    const as = {} as Record<Person, Client>;
    for (const [name, who] of Object.entries(PEOPLE) as [Person, (typeof PEOPLE)[Person]][]) {
      tokens[name] = (await anon.issueDevToken(who)).token;
      as[name] = createClient({ server: server.url, token: tokens[name], timeoutMs: 20_000 });
    }
    this.#live[index] = { index, generation, url: server.url, server, as, tokens };
  }

  /** The replicas up now. */
  up(): Live[] {
    return this.#live.filter((l): l is Live => l !== undefined);
  }

  /** A replica that is up, chosen round-robin, so consecutive calls spread over all of them. */
  pick(): Live | undefined {
    const up = this.up();
    return up.length ? up[this.#next++ % up.length] : undefined;
  }

  /**
   * SIGKILLs replica `index` (only while another one is up, so clients always have somewhere to go)
   * and starts it again in the background. Returns false when it did not kill.
   */
  async kill9(index: number): Promise<boolean> {
    const victim = this.#live[index];
    if (!victim || this.up().length < 2) return false;
    this.#live[index] = undefined;
    await victim.server.kill9();
    this.kills++;
    this.#restarts.push(
      this.#start(index, victim.generation + 1).catch((e) => {
        this.startErrors.push(`replica ${index}: ${(e as Error).message.slice(0, 2000)}`);
      }),
    );
    return true;
  }

  /** Waits for every restart under way. */
  async settle(): Promise<void> {
    await Promise.all(this.#restarts);
  }

  /** SIGTERM to every replica; resolves with their exit codes. */
  async stopAll(): Promise<(number | null)[]> {
    await this.settle();
    const up = this.up();
    this.#live.fill(undefined);
    return Promise.all(up.map((l) => l.server.stop()));
  }
}
