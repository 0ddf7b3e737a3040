import { ProviderError } from '../../core/providers/types.js';
import { isTransientNetworkError } from '../shared/classify.js';

// SQLSTATE classes/codes worth retrying: connection trouble, resource limits, lock and
// serialization conflicts, shutdowns and statement timeouts.
const RETRYABLE = /^(08|53|57P0[1-3]|40001|40P01|55P03|57014)/;
const CLIENT_TRANSIENT = new Set([
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
]);

export const sqlState = (e: unknown): string | undefined => {
  const code = (e as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
};

/** Maps a PostgreSQL failure to a ProviderError saying what jitsudod could not do. */
export function toPgError(e: unknown, what: string): ProviderError {
  if (e instanceof ProviderError) return e;
  const code = sqlState(e) ?? '';
  const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
  if (code === '42501')
    return new ProviderError('postgres', `jitsudod's database role may not ${what}: ${msg}`, false, {
      cause: e,
    });
  if (RETRYABLE.test(code) || CLIENT_TRANSIENT.has(code) || isTransientNetworkError(e))
    return new ProviderError('postgres', `PostgreSQL was unavailable while trying to ${what}: ${msg}`, true, {
      cause: e,
    });
  return new ProviderError('postgres', `could not ${what}: ${msg}`, false, { cause: e });
}
