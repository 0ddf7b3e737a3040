/**
 * Appends events to the hash chain: one chain lock, one insert for any number of events. Used for
 * single appends (append.ts) and by the group-commit runner for every event of a batch.
 *
 * Without a `ChainTail` it is lock → read head → insert. A `ChainTail` remembers the head this
 * process wrote last (its guess of the current head): the rows are chained onto the guess before
 * the lock is even granted, and the insert is sent right behind the lock request (pipelined on
 * PostgreSQL) with a guard that writes nothing unless the guess is still the head. Another replica
 * appending, or a batch that rolled back, just means one more round: the refused insert returns
 * the real head, and the rows are chained again onto it. The guard runs under the lock, so a wrong
 * guess never reaches the chain.
 */
import { insertAuditRows, type StoredAuditRow } from '../db/audit-insert-many.js';
import { auditMacKeyOf, type BoundMacKey } from '../db/audit-key.js';
import { lockAuditChain, readAuditHead } from '../db/audit-repo.js';
import type { Transaction } from '../db/client.js';
import { insertOutboxRows } from '../db/outbox-repo.js';
import { AppError } from '../errors.js';
import { outboxRowsFor } from '../outbox/events.js';
import type { AuditInput } from './append.js';
import { auditCopyLine, auditTimestamp, canonicalJson, GENESIS_HASH, hashCopyLine } from './hash.js';
import { rowMac } from './row-mac.js';

export type { StoredAuditRow } from '../db/audit-insert-many.js';

const ACTION_RE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
const OUTCOMES = new Set(['success', 'denied', 'failure', 'error']);

interface Head {
  id: number;
  hash: string;
}

/** A process's guess of the chain head (the last row it appended); one per database. */
export class ChainTail {
  guess: Head | undefined;
  /** Send the guarded insert right behind the lock request (PostgreSQL); PGlite runs one statement at a time. */
  readonly pipelined: boolean;

  constructor(pipelined: boolean) {
    this.pipelined = pipelined;
  }
}

/** Throws INTERNAL for an event the chain refuses; returns its canonical details text. */
export function checkAuditInput(e: AuditInput): string {
  if (typeof e.action !== 'string' || !ACTION_RE.test(e.action))
    throw new AppError('INTERNAL', `audit action must look like noun.verb, got ${JSON.stringify(e.action)}`);
  if (!OUTCOMES.has(e.outcome)) throw new AppError('INTERNAL', `unknown audit outcome ${String(e.outcome)}`);
  if (typeof e.actor !== 'string' || e.actor === '')
    throw new AppError('INTERNAL', 'audit actor is required');
  const details = e.details ?? {};
  if (typeof details !== 'object' || details === null || Array.isArray(details))
    throw new AppError('INTERNAL', 'audit details must be a JSON object');
  return canonicalJson(details);
}

/** The rows of `events` chained onto `head`, each hashed (docs/adr/0010) and MACed (docs/adr/0035). */
function chainOnto(
  head: Head,
  events: readonly AuditInput[],
  texts: string[],
  ts: string,
  key: BoundMacKey,
): StoredAuditRow[] {
  let id = head.id;
  let prev = head.hash;
  return events.map((e, i) => {
    const row: Omit<StoredAuditRow, 'hash' | 'mac_key_id' | 'mac'> = {
      id: ++id,
      actor: e.actor,
      actor_kind: e.actorKind ?? (e.actor === 'system' ? 'system' : 'human'),
      on_behalf_of: e.onBehalfOf ?? null,
      action: e.action,
      request_id: e.requestId ?? null,
      provider: e.provider ?? null,
      resource_scope: e.resourceScope ?? null,
      outcome: e.outcome,
      details: texts[i]!,
      prev_hash: prev,
    };
    prev = hashCopyLine(auditCopyLine({ ...row, ts }));
    return { ...row, hash: prev, mac_key_id: key.id, mac: rowMac(key.prefix, prev) };
  });
}

/**
 * Appends `events` in order inside `tx` (the transaction of the state changes they record) and
 * returns the rows written, all stamped `ts`.
 */
export async function appendAuditMany(
  tx: Transaction,
  events: readonly AuditInput[],
  tail?: ChainTail,
): Promise<{ ts: string; rows: StoredAuditRow[] }> {
  const ts = auditTimestamp(new Date());
  if (events.length === 0) return { ts, rows: [] };
  const texts = events.map(checkAuditInput);
  const key = auditMacKeyOf(tx);
  // The events worth telling someone go to the outbox in this same transaction (ADR 0046).
  const outbox = outboxRowsFor(events, ts);
  const guess = tail?.guess;
  let head: Head | null | undefined;
  if (guess) {
    const rows = chainOnto(guess, events, texts, ts, key);
    // Set before any await: a batch appending after this one chains onto these rows.
    tail.guess = rows[rows.length - 1]!;
    let res: Awaited<ReturnType<typeof insertAuditRows>>;
    if (tail.pipelined)
      // Sent in this order on the one connection: the outbox insert runs before the lock is asked for.
      [, , res] = await Promise.all([
        insertOutboxRows(tx, outbox),
        lockAuditChain(tx),
        insertAuditRows(tx, ts, rows, guess),
      ]);
    else {
      await insertOutboxRows(tx, outbox);
      await lockAuditChain(tx);
      res = await insertAuditRows(tx, ts, rows, guess);
    }
    if (res.written === rows.length) return { ts, rows };
    head = res.head; // the head as it stands under the lock, read by the refused insert itself
  } else {
    // Before the chain lock, so the lock is held no longer than before.
    await insertOutboxRows(tx, outbox);
    await lockAuditChain(tx);
    // The lock is held: the head read now stays the head until this transaction ends.
    head = await readAuditHead(tx);
  }
  const rows = chainOnto(head ?? { id: 0, hash: GENESIS_HASH }, events, texts, ts, key);
  if (tail) tail.guess = rows[rows.length - 1]!;
  await insertAuditRows(tx, ts, rows);
  return { ts, rows };
}
