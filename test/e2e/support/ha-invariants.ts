/**
 * What must hold after the HA run, read straight from the database and the provider's server:
 * every request's audit trail replays through the transition table to the state it has; no grant
 * is left at the provider once its request is no longer ACTIVE or its expiry has passed; and
 * nothing a client was told was accepted is missing.
 */
import type { Sql } from 'postgres';
import { canTransition, REQUEST_STATES, type RequestState } from '../../../src/core/requests/states.js';
import type { Ledger } from './ha-load.js';

/** The audit actions that move a request, and where to. Every other action leaves the state alone. */
const MOVES: Record<string, RequestState> = {
  'request.auto_approved': 'APPROVED',
  'request.approved': 'APPROVED',
  'request.denied': 'REJECTED',
  'request.cancelled': 'CANCELLED',
  'request.expired': 'EXPIRED',
  'request.failed': 'FAILED',
  'grant.issued': 'ACTIVE',
  'grant.expired': 'EXPIRED',
  'grant.revoked': 'REVOKED',
};

/**
 * The move an audit row makes: MOVES by action, and a drift check that found an ACTIVE grant gone at
 * the provider (e.g. a replica dropped it on revoke and was killed before recording it) → REVOKED.
 */
const moveOf = (a: Trail): RequestState | undefined =>
  a.action === 'grant.drift_detected'
    ? ((a.recorded_state as RequestState | null) ?? undefined)
    : MOVES[a.action];

interface Trail {
  action: string;
  recorded_state: string | null;
}

interface Row {
  id: string;
  state: string;
  expires_at: Date | null;
}

export interface Findings {
  requests: number;
  byState: Record<string, number>;
  auditRows: number;
  /** Each invariant's violations; all empty when the run held. */
  illegal: string[];
  /** Requests whose trail has a drift alert (reported; a violation unless a revoke was under way). */
  drift: string[];
  providerLeaks: string[];
  lost: string[];
}

/** Roles of `prefix` still present at the provider (the PostgreSQL server), by request id. */
export async function leftoverRoles(admin: Sql, prefix: string): Promise<Map<string, Date | null>> {
  const roles = await admin<{ rolname: string; rolvaliduntil: Date | null }[]>`
    select rolname, rolvaliduntil from pg_roles where starts_with(rolname, ${prefix})`;
  return new Map(roles.map((r) => [r.rolname.slice(prefix.length), r.rolvaliduntil]));
}

export async function checkInvariants(
  db: Sql,
  admin: Sql,
  prefix: string,
  ledger: Ledger,
): Promise<Findings> {
  const reqs = await db<Row[]>`select id, state, expires_at from requests`;
  const audit = await db<(Trail & { request_id: string })[]>`
    select request_id, action, details::jsonb->>'recorded_state' as recorded_state
    from audit_events where request_id is not null order by id`;
  const trail = new Map<string, Trail[]>();
  for (const a of audit) {
    if (!trail.has(a.request_id)) trail.set(a.request_id, []);
    trail.get(a.request_id)!.push(a);
  }
  const byId = new Map(reqs.map((r) => [r.id, r]));
  const f: Findings = {
    requests: reqs.length,
    byState: {},
    auditRows: audit.length,
    illegal: [],
    drift: [],
    providerLeaks: [],
    lost: [],
  };

  // Legal states: the trail starts with request.created and replays through the table to the row's state.
  for (const r of reqs) {
    f.byState[r.state] = (f.byState[r.state] ?? 0) + 1;
    if (!REQUEST_STATES.includes(r.state as RequestState))
      f.illegal.push(`${r.id}: unknown state ${r.state}`);
    const actions = trail.get(r.id) ?? [];
    const said = () => actions.map((a) => a.action).join(', ');
    if (actions[0]?.action !== 'request.created') f.illegal.push(`${r.id}: trail starts with ${said()}`);
    let cur: RequestState = 'PENDING';
    for (const a of actions) {
      const to = moveOf(a);
      if (!to) continue;
      if (!canTransition(cur, to)) f.illegal.push(`${r.id}: ${a.action} moved ${cur} → ${to} (${said()})`);
      cur = to;
    }
    if (cur !== r.state) f.illegal.push(`${r.id}: is ${r.state}, its audit trail says ${cur} (${said()})`);
    // A drift alert is true only if the grant really went missing: a revoke that reached the provider
    // and whose replica was killed before recording it. Without a revoke intent it is a false alarm.
    if (actions.some((a) => a.action === 'grant.drift_detected')) {
      f.drift.push(`${r.id}: ${said()}`);
      if (!actions.some((a) => a.action === 'request.revoke_requested'))
        f.illegal.push(`${r.id}: drift alert without a revoke (${said()})`);
    }
  }
  for (const id of trail.keys()) if (!byId.has(id)) f.illegal.push(`${id}: audit rows for no request`);

  // The provider: a role exists only for an ACTIVE request whose expiry has not passed.
  const now = new Date();
  for (const [suffix, validUntil] of await leftoverRoles(admin, prefix)) {
    const r = reqs.find((x) => x.id.toLowerCase() === suffix);
    if (!r) f.providerLeaks.push(`role ${prefix}${suffix}: no request`);
    else if (r.state !== 'ACTIVE' || (r.expires_at && r.expires_at < now))
      f.providerLeaks.push(
        `${r.id}: ${r.state}, expires ${r.expires_at?.toISOString()}, role valid until ${validUntil?.toISOString()}`,
      );
  }

  // Nothing accepted is lost.
  for (const [id, how] of ledger.created)
    if (!byId.has(id)) f.lost.push(`${id} (${how}): accepted create lost`);
  const has = (id: string, action: string) => trail.get(id)?.some((a) => a.action === action) ?? false;
  for (const id of ledger.approved) {
    const s = byId.get(id)?.state;
    if (!has(id, 'request.approved') || ['PENDING', 'REJECTED', 'CANCELLED'].includes(String(s)))
      f.lost.push(`${id}: accepted approval not reflected (state ${s})`);
  }
  for (const id of ledger.denied)
    if (!has(id, 'request.denied') || byId.get(id)?.state !== 'REJECTED')
      f.lost.push(`${id}: accepted denial not reflected (state ${byId.get(id)?.state})`);
  for (const [id, answered] of ledger.revoked) {
    const s = byId.get(id)?.state;
    // A revoke answered REVOKED must stay so; one answered ACTIVE (the provider call is being retried)
    // must have recorded the intent, and ends REVOKED or, if the grant ran out first, EXPIRED.
    const ok =
      answered === 'REVOKED'
        ? s === 'REVOKED' && has(id, 'grant.revoked')
        : has(id, 'request.revoke_requested') && (s === 'REVOKED' || s === 'EXPIRED');
    if (!ok) f.lost.push(`${id}: accepted revoke (answered ${answered}) not reflected (state ${s})`);
  }
  return f;
}
