/**
 * jitsudod's Prometheus metrics (ADR 0053, names and labels in docs/operations.md). One prom-client
 * Registry per instance — never the global one — so several servers in one process (tests,
 * embedders) keep their own series. Latencies are observed as they happen; the database-derived
 * gauges are recounted on scrape, at most every `metrics.refresh_seconds` (one refresh in flight,
 * bounded by a timeout; a failed refresh keeps the last values and counts the error).
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Executor } from '../../core/db/client.js';
import {
  type OperationalCounts,
  readOperationalCounts,
  readPoolConnections,
} from '../../core/db/metrics-repo.js';
import type { CoreObserver } from '../../core/metrics/observer.js';
import type { HttpMetrics, MetricsEndpoint } from '../../http/metrics-port.js';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const POLICY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5];
const REFRESH_TIMEOUT_MS = 5000;

export interface MetricsOptions {
  db: Executor;
  driver: 'pglite' | 'postgres';
  now: () => Date;
  refreshSeconds: number;
  /** postgres.js pool: its application_name (connections counted in pg_stat_activity) and size. */
  pool?: { applicationName?: string; size?: number };
  /** Node process metrics (CPU, memory, event loop); off for apps built in tests. */
  processMetrics?: boolean;
  bearerToken?: string;
}

export interface Metrics {
  registry: Registry;
  core: CoreObserver;
  http: HttpMetrics;
  endpoint: MetricsEndpoint;
}

/** Builds the registry and everything that feeds it. */
export function createMetrics(opts: MetricsOptions): Metrics {
  const registry = new Registry();
  const r = [registry];
  if (opts.processMetrics) collectDefaultMetrics({ register: registry });

  const httpDuration = new Histogram({
    name: 'jitsudo_http_request_duration_seconds',
    help: 'HTTP requests by route pattern, method and status code',
    labelNames: ['route', 'method', 'code'],
    buckets: LATENCY_BUCKETS,
    registers: r,
  });
  const toolDuration = new Histogram({
    name: 'jitsudo_mcp_tool_duration_seconds',
    help: 'MCP tool calls by tool and outcome (ok, error)',
    labelNames: ['tool', 'outcome'],
    buckets: LATENCY_BUCKETS,
    registers: r,
  });
  const policyDuration = new Histogram({
    name: 'jitsudo_policy_evaluation_duration_seconds',
    help: 'Policy evaluations by decision (eligibility, approval) and outcome (ok, error)',
    labelNames: ['decision', 'outcome'],
    buckets: POLICY_BUCKETS,
    registers: r,
  });
  const providerDuration = new Histogram({
    name: 'jitsudo_provider_call_duration_seconds',
    help: 'Provider calls by provider and operation',
    labelNames: ['provider', 'operation'],
    buckets: LATENCY_BUCKETS,
    registers: r,
  });
  const providerErrors = new Counter({
    name: 'jitsudo_provider_call_errors_total',
    help: 'Provider calls that failed, by provider and operation',
    labelNames: ['provider', 'operation'],
    registers: r,
  });

  // Database-derived gauges: set from one snapshot in their collect().
  const requests = new Gauge({
    name: 'jitsudo_requests',
    help: 'Requests by state, provider and approver tier',
    labelNames: ['state', 'provider', 'tier'],
    registers: r,
  });
  const backlog = new Gauge({
    name: 'jitsudo_sweeper_backlog',
    help: 'Rows due now, per sweeper job',
    labelNames: ['job'],
    registers: r,
  });
  const lag = new Gauge({
    name: 'jitsudo_sweeper_lag_seconds',
    help: 'How long the oldest ACTIVE grant past its expiry has been overdue (0: none)',
    registers: r,
  });
  const revokeFailing = new Gauge({
    name: 'jitsudo_revoke_failing_grants',
    help: 'Ended grants whose provider revoke failed and is being retried',
    registers: r,
  });
  const outbox = new Gauge({
    name: 'jitsudo_outbox_deliveries',
    help: 'Outbox deliveries not delivered, by sink and state (pending, dead)',
    labelNames: ['sink', 'state'],
    registers: r,
  });
  const outboxOldest = new Gauge({
    name: 'jitsudo_outbox_oldest_pending_seconds',
    help: 'Age of the oldest pending delivery, per sink',
    labelNames: ['sink'],
    registers: r,
  });
  const undispatched = new Gauge({
    name: 'jitsudo_outbox_undispatched_events',
    help: 'Outbox events not yet fanned out to sinks',
    registers: r,
  });
  const auditHead = new Gauge({
    name: 'jitsudo_audit_head_id',
    help: 'Id of the newest audit row',
    registers: r,
  });
  const auditAge = new Gauge({
    name: 'jitsudo_audit_head_age_seconds',
    help: 'Age of the newest audit row',
    registers: r,
  });
  const checkpointSeq = new Gauge({
    name: 'jitsudo_audit_checkpoint_seq',
    help: 'Sequence number of the newest signed audit checkpoint',
    registers: r,
  });
  const checkpointAge = new Gauge({
    name: 'jitsudo_audit_checkpoint_age_seconds',
    help: 'Age of the newest signed audit checkpoint (-1: none yet)',
    registers: r,
  });
  const poolMax = new Gauge({
    name: 'jitsudo_db_pool_max_connections',
    help: 'Connections the database pool may open (PGlite: one)',
    labelNames: ['driver'],
    registers: r,
  });
  const poolConnections = new Gauge({
    name: 'jitsudo_db_pool_connections',
    help: "This process's open database connections by state (PostgreSQL: pg_stat_activity; PGlite: one, open)",
    labelNames: ['state'],
    registers: r,
  });
  const refreshErrors = new Counter({
    name: 'jitsudo_metrics_refresh_errors_total',
    help: 'Failed recounts of the database-derived gauges (the last values are kept)',
    registers: r,
  });
  poolMax.set({ driver: opts.driver }, opts.pool?.size ?? 1);

  let last = 0;
  let inFlight: Promise<void> | undefined;
  const apply = (c: OperationalCounts, pool: { state: string; n: number }[]) => {
    requests.reset();
    for (const q of c.requests) requests.set({ state: q.state, provider: q.provider, tier: q.tier }, q.n);
    backlog.set({ job: 'expire' }, c.due.expire);
    backlog.set({ job: 'revoke_retry' }, c.due.revokeRetry);
    backlog.set({ job: 'grant_retry' }, c.due.grantRetry);
    backlog.set({ job: 'pending_expire' }, c.due.pendingExpire);
    lag.set(c.expiryLagSeconds);
    revokeFailing.set(c.revokeFailing);
    outbox.reset();
    outboxOldest.reset();
    for (const o of c.outbox) {
      outbox.set({ sink: o.sink, state: o.state }, o.n);
      if (o.state === 'pending') outboxOldest.set({ sink: o.sink }, o.oldestSeconds);
    }
    undispatched.set(c.outboxUndispatched);
    auditHead.set(c.audit?.headId ?? 0);
    auditAge.set(c.audit?.headAgeSeconds ?? 0);
    checkpointSeq.set(c.checkpoint?.seq ?? 0);
    checkpointAge.set(c.checkpoint?.ageSeconds ?? -1);
    poolConnections.reset();
    for (const p of pool) poolConnections.set({ state: p.state }, p.n);
  };
  const read = async () => {
    const counts = await readOperationalCounts(opts.db, opts.now());
    const pool =
      opts.driver === 'postgres' && opts.pool?.applicationName
        ? await readPoolConnections(opts.db, opts.pool.applicationName)
        : [{ state: 'open', n: 1 }];
    apply(counts, pool);
  };
  const refresh = async () => {
    if (Date.now() - last < opts.refreshSeconds * 1000) return;
    inFlight ??= withTimeout(read(), REFRESH_TIMEOUT_MS)
      .then(
        () => {
          last = Date.now();
        },
        () => refreshErrors.inc(),
      )
      .finally(() => {
        inFlight = undefined;
      });
    await inFlight;
  };

  return {
    registry,
    core: {
      policyEvaluated(kind, seconds, ok) {
        policyDuration.observe({ decision: kind, outcome: ok ? 'ok' : 'error' }, seconds);
      },
      providerCalled(provider, operation, seconds, ok) {
        providerDuration.observe({ provider, operation }, seconds);
        if (!ok) providerErrors.inc({ provider, operation });
      },
    },
    http: {
      observeRequest(route, method, status, seconds) {
        httpDuration.observe({ route, method, code: String(status) }, seconds);
      },
      observeTool(tool, seconds, ok) {
        toolDuration.observe({ tool, outcome: ok ? 'ok' : 'error' }, seconds);
      },
    },
    endpoint: {
      async render() {
        await refresh();
        return { contentType: registry.contentType, body: await registry.metrics() };
      },
      ...(opts.bearerToken ? { bearerToken: opts.bearerToken } : {}),
    },
  };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
