/**
 * The server's pino logger. Redaction by field name is the last line of defence: code should never
 * pass a token or credential to the logger in the first place.
 */
import pino, { type Logger } from 'pino';

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
];

export const REDACT_PATHS = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((f) => `*.${f}`),
  ...SECRET_FIELDS.map((f) => `*.*.${f}`),
  'req.headers.authorization',
  'req.headers.cookie',
];

/** A JSON logger to `destination` (stdout by default) with secret fields censored. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'jitsudod' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
