/**
 * A minimal Entra ID client-credentials TokenCredential (secret or federated assertion), because
 * @azure/identity needs Node 22. Tokens are cached per scope until five minutes before expiry.
 */
import { readFileSync } from 'node:fs';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { ProviderError } from '../../core/providers/types.js';
import { isTransientNetworkError } from '../shared/classify.js';
import type { AzureSection } from './config.js';

export function createClientCredential(cfg: AzureSection): TokenCredential {
  const cache = new Map<string, AccessToken>();
  const url = `${cfg.authority_host.replace(/\/$/, '')}/${encodeURIComponent(cfg.tenant_id)}/oauth2/v2.0/token`;
  return {
    async getToken(scopes) {
      const scope = ([] as string[]).concat(scopes).join(' ');
      const hit = cache.get(scope);
      if (hit && hit.expiresOnTimestamp - Date.now() > 300_000) return hit;
      const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: cfg.client_id, scope });
      if (cfg.client_secret) form.set('client_secret', cfg.client_secret);
      else {
        // The projected token rotates; read it on every refresh.
        form.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
        form.set('client_assertion', readFileSync(cfg.federated_token_file!, 'utf8').trim());
      }
      let res: Response;
      try {
        res = await fetch(url, { method: 'POST', body: form, signal: AbortSignal.timeout(cfg.timeout_ms) });
      } catch (e) {
        throw new ProviderError(
          'azure',
          'Entra ID did not answer the token request in time',
          isTransientNetworkError(e),
          { cause: e },
        );
      }
      const body = (await res.json().catch(() => ({}))) as Record<string, any>;
      if (!res.ok || typeof body.access_token !== 'string') {
        const retryable = res.status === 429 || res.status >= 500;
        // error_description is Entra's own text (AADSTS code); it never echoes the secret.
        throw new ProviderError(
          'azure',
          `jitsudod could not sign in to Entra ID: ${String(body.error_description ?? body.error ?? res.status).split('\n')[0]}`,
          retryable,
        );
      }
      const token = {
        token: body.access_token,
        expiresOnTimestamp: Date.now() + Number(body.expires_in ?? 3600) * 1000,
      };
      cache.set(scope, token);
      return token;
    },
  };
}
