/**
 * What of an error may be logged. A failed SQL statement carries its parameters — drizzle puts
 * them into the message (`Failed query: … params: …`) and so into the stack, and PostgreSQL's own
 * message and detail may quote a value (`invalid input syntax for type uuid: "…"`, `Key (x)=(…)`).
 * Parameters are reasons, metadata, policy source and AI reasoning, so a database error is logged
 * by SQLSTATE and statement (`insert requests`) only, plus the stack frames without the message.
 */

// Five characters with a digit: every SQLSTATE has one, errno names (EPERM, EPIPE) have none.
import { isAppError } from '../errors.js';

const SQLSTATE = /^(?=.*\d)[0-9A-Z]{5}$/;
const MAX_CAUSES = 5;

type Link = { name?: unknown; code?: unknown; query?: unknown; params?: unknown; cause?: unknown };

function chain(e: unknown): Link[] {
  const links: Link[] = [];
  for (let cur = e; cur && typeof cur === 'object' && links.length < MAX_CAUSES; cur = (cur as Link).cause)
    links.push(cur as Link);
  return links;
}

/** The operation and first table of a statement (`insert requests`), from its text; identifiers only. */
export function statementName(query: string): string {
  const op = /^\s*(\w+)/.exec(query)?.[1]?.toLowerCase() ?? 'statement';
  const table = /\b(?:into|update|from|table)\s+((?:"?[A-Za-z_][\w$]*"?\.)?"?[A-Za-z_][\w$]*"?)/i.exec(
    query,
  )?.[1];
  return table ? `${op} ${table.replaceAll('"', '')}` : op;
}

/** Stack frames only: the first line of a stack repeats the message, which may hold parameters. */
function frames(stack: unknown): string | undefined {
  if (typeof stack !== 'string') return undefined;
  const at = stack.split('\n').filter((l) => /^\s+at /.test(l));
  return at.length ? at.join('\n') : undefined;
}

/** True when `e` (or one of its causes) is a failed database statement. */
export function isDatabaseError(e: unknown): boolean {
  return chain(e).some(
    (l) =>
      (typeof l.code === 'string' && SQLSTATE.test(l.code)) ||
      (typeof l.query === 'string' && Array.isArray(l.params)),
  );
}

/**
 * A log-safe view of any thrown value: a database error as `{ name, sqlstate, statement, stack }`
 * (no message, no parameter, no value PostgreSQL quoted); anything else as name, message and stack.
 */
export function loggableError(e: unknown): Record<string, unknown> {
  if (!(e instanceof Error) && (e === null || typeof e !== 'object')) return { message: String(e) };
  const top = e as Error;
  if (!isDatabaseError(e)) return { name: top.name, message: top.message, stack: top.stack };
  // An AppError's message is safe to show by contract (src/core/errors.ts); its cause is not.
  const links = chain(e);
  const sqlstate = links.map((l) => l.code).find((c) => typeof c === 'string' && SQLSTATE.test(c));
  const query = links.map((l) => l.query).find((q) => typeof q === 'string') as string | undefined;
  return {
    name: typeof top.name === 'string' ? top.name : 'Error',
    ...(isAppError(e) ? { code: e.code, message: e.message } : {}),
    ...(sqlstate ? { sqlstate } : {}),
    ...(query ? { statement: statementName(query) } : {}),
    ...(frames(top.stack) ? { stack: frames(top.stack) } : {}),
  };
}
