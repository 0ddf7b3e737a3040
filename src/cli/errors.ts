/**
 * The CLI's one error mapper: any failure becomes ONE line on stderr and a documented exit code.
 * Messages come from the server's safe error messages or from our own text — never a stack, never
 * a token or credential.
 */
import { ApiError, type ApiErrorCode } from '../client/errors.js';
import { isAppError } from '../core/errors.js';
import { EXIT } from './exit-codes.js';

/** An error whose message is meant for the user, with the exit code to use. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.ERROR,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string) => new CliError(message, EXIT.USAGE);

const BY_CODE: Record<ApiErrorCode, number> = {
  VALIDATION: EXIT.USAGE,
  UNAUTHENTICATED: EXIT.UNAUTHENTICATED,
  FORBIDDEN: EXIT.FORBIDDEN,
  POLICY_DENIED: EXIT.FORBIDDEN,
  NOT_FOUND: EXIT.NOT_FOUND,
  CONFLICT: EXIT.CONFLICT,
  RATE_LIMITED: EXIT.RATE_LIMITED,
  PROVIDER_ERROR: EXIT.UNAVAILABLE,
  POLICY_ERROR: EXIT.POLICY_ERROR,
  UNAVAILABLE: EXIT.UNAVAILABLE,
  UNREACHABLE: EXIT.UNAVAILABLE,
  BAD_RESPONSE: EXIT.UNAVAILABLE,
  INTERNAL: EXIT.ERROR,
};

/** Maps an error to `{ line, exitCode }`; the line is what goes to stderr. */
export function describeError(e: unknown): { line: string; exitCode: number } {
  if (e instanceof CliError) return { line: `error: ${e.message}`, exitCode: e.exitCode };
  if (e instanceof ApiError) {
    let line = `error: ${e.message}`;
    const reasons = (e.details?.reasons as unknown[] | undefined)?.filter((r) => typeof r === 'string') ?? [];
    if (e.code === 'POLICY_DENIED' && reasons.length && !line.includes(String(reasons[0])))
      line += ` (${reasons.join('; ')})`;
    if (e.code === 'UNAUTHENTICATED') line += ' — run `jitsudo login`';
    if (e.requestId && (e.code === 'INTERNAL' || e.code === 'PROVIDER_ERROR' || e.code === 'POLICY_ERROR'))
      line += ` [request id ${e.requestId}]`;
    return { line: oneLine(line), exitCode: BY_CODE[e.code] };
  }
  // jitsudod runs core in-process: its errors carry the same codes and safe messages.
  if (isAppError(e)) {
    return { line: oneLine(`error: ${e.message}`), exitCode: BY_CODE[e.code] };
  }
  // A citty usage error (unknown command, missing positional).
  if (
    e instanceof Error &&
    e.name === 'CLIError' &&
    /^E[A-Z_]+$/.test(String((e as { code?: unknown }).code))
  )
    return { line: oneLine(`error: ${stripAnsi(e.message)} (see --help)`), exitCode: EXIT.USAGE };
  return {
    line: `error: unexpected failure: ${oneLine(e instanceof Error ? e.message : String(e))}`,
    exitCode: EXIT.ERROR,
  };
}

const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ').slice(0, 2000);
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing ANSI colour codes is the point.
const stripAnsi = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');
