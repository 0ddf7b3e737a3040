/**
 * Names what most plausibly happened at the first row that breaks the chain, with a one-row
 * look-ahead (`n`) and look-behind (`prev1`, `prev2`): docs/adr/0010-audit-hash-chain.md.
 */
import type { ChainBreak, Link, Row } from './chain-verifier.js';

/** The break at row `r` (whose hash, link or id failed). */
export function classifyBreak(
  r: Row,
  n: Row | undefined,
  prev1: Link | null,
  prev2: Link | null,
  x: { expectedId: number; expectedPrev: string; selfOk: boolean; linkOk: boolean },
): ChainBreak {
  if (!x.linkOk && prev2 && prev1 && r.prev_hash === prev2.hash)
    return {
      id: prev1.id,
      kind: 'inserted',
      message: `row ${prev1.id} was inserted: row ${r.id} links to row ${prev2.id} before it`,
    };
  if (!x.linkOk && n && n.prev_hash === x.expectedPrev && r.prev_hash === n.hash)
    return {
      id: r.id,
      kind: 'reordered',
      message: `rows ${r.id} and ${n.id} are out of order (each links to the other's position)`,
    };
  if (n && n.prev_hash === x.expectedPrev)
    return {
      id: r.id,
      kind: 'inserted',
      message: `row ${r.id} was inserted: row ${n.id} links to the row before it`,
    };
  if (x.selfOk && !x.linkOk && r.id > x.expectedId)
    return {
      id: x.expectedId,
      kind: 'deleted',
      message:
        r.id - 1 === x.expectedId
          ? `row ${x.expectedId} was deleted (row ${r.id} links to a row that is gone)`
          : `rows ${x.expectedId}..${r.id - 1} were deleted (row ${r.id} links to a row that is gone)`,
    };
  if (r.id !== x.expectedId)
    return {
      id: r.id,
      kind: 'inserted',
      message: `row ${r.id} does not belong to the chain (expected row ${x.expectedId})`,
    };
  return {
    id: r.id,
    kind: 'modified',
    message: !x.selfOk
      ? `row ${r.id} was modified: its content no longer matches its hash`
      : `row ${r.id} does not link to row ${r.id - 1}: one of them was rewritten`,
  };
}
