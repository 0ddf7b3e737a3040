import postgres, { type Sql } from 'postgres';
import type { PostgresSection } from './config.js';

export interface Connections {
  admin: Sql;
  /** A small pool on another database of the same server (REASSIGN/DROP OWNED act per database). */
  on(database: string): Sql;
  /** Where users connect (PGHOST/PGPORT). */
  host: string;
  port: number;
  close(): Promise<void>;
}

export function createConnections(cfg: PostgresSection): Connections {
  const opts = (max: number) => ({
    max,
    idle_timeout: 30,
    connect_timeout: Math.max(1, Math.ceil(cfg.timeout_ms / 1000)),
    onnotice: () => {},
    // Every statement jitsudod runs is bounded, so a lock held elsewhere cannot stall a revoke forever.
    connection: {
      statement_timeout: cfg.timeout_ms,
      lock_timeout: cfg.timeout_ms,
      application_name: 'jitsudod',
    },
  });
  const admin = postgres(cfg.url, opts(cfg.pool_size));
  const others = new Map<string, Sql>();
  const url = new URL(cfg.url);
  return {
    admin,
    on(database) {
      let s = others.get(database);
      if (!s) {
        s = postgres(cfg.url, { ...opts(1), database });
        others.set(database, s);
      }
      return s;
    },
    host: cfg.host ?? (decodeURIComponent(url.hostname) || 'localhost'),
    port: cfg.port ?? Number(url.port || 5432),
    async close() {
      await Promise.all([
        admin.end({ timeout: 1 }),
        ...[...others.values()].map((s) => s.end({ timeout: 1 })),
      ]);
    },
  };
}
