/** `GET /api/v1alpha1/auth/config`: how jitsudod wants people to sign in (public facts, no login needed). */
import type { ClientTls } from '../../client/tls-fetch.js';
import { tlsFetch } from '../../client/tls-fetch.js';
import { CliError } from '../errors.js';
import { EXIT } from '../exit-codes.js';

export interface AuthConfig {
  mode: 'dev' | 'oidc';
  issuer?: string;
  client_id?: string;
  audience?: string;
}

export async function fetchAuthConfig(server: string, tls?: ClientTls): Promise<AuthConfig> {
  const doFetch = tls ? tlsFetch(tls) : (url: string, init: RequestInit) => fetch(url, init);
  let res: Response;
  try {
    res = await doFetch(`${server}/api/v1alpha1/auth/config`, {
      method: 'GET',
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(30_000),
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
    throw new CliError(`cannot reach jitsudod at ${server}: ${cause}`, EXIT.UNAVAILABLE);
  }
  const body = (await res.json().catch(() => undefined)) as Partial<AuthConfig> | undefined;
  if (!res.ok || (body?.mode !== 'dev' && body?.mode !== 'oidc'))
    throw new CliError(
      `jitsudod at ${server} did not say how to sign in (HTTP ${res.status} from /auth/config)`,
      EXIT.UNAVAILABLE,
    );
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  return {
    mode: body.mode,
    issuer: str(body.issuer),
    client_id: str(body.client_id),
    audience: str(body.audience),
  };
}
