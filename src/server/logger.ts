/**
 * The server's pino logger. Redaction by field name is the last line of defence: code should never
 * pass a token or credential to the logger in the first place.
 */
import pino, { type Logger } from 'pino';
import { loggableError } from '../core/db/loggable-error.js';

const SECRET_FIELDS = [
  'authorization',
  'token',
  'password',
  'secret',
  'credentials',
  'access_token',
  'id_token',
  'session_token',
  'encryption_key',
  'key',
  'client_secret',
  'private_key',
  'refresh_token',
  'api_key',
  'cookie',
  // A failed statement's bound values (drizzle `params`, postgres.js `parameters`): user text.
  'params',
  'parameters',
];

export const REDACT_PATHS = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((f) => `*.${f}`),
  ...SECRET_FIELDS.map((f) => `*.*.${f}`),
  'req.headers.authorization',
  'req.headers.cookie',
];

const safeError = (v: unknown) => (v instanceof Error ? loggableError(v) : v);

/** A JSON logger to `destination` (stdout by default) with secret fields censored. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'jitsudod' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      // An Error logged as `err`/`error` is reduced to what may be logged: a failed SQL statement
      // to its SQLSTATE and statement name, never its message, parameters or PostgreSQL's detail.
      serializers: { err: safeError, error: safeError },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
