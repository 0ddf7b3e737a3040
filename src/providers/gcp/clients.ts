import { FoldersClient, OrganizationsClient, ProjectsClient } from '@google-cloud/resource-manager';
import { GoogleAuth, OAuth2Client } from 'google-auth-library';
import type { GcpSection } from './config.js';
import type { ResourceKind } from './request.js';

type IamClient = Pick<ProjectsClient, 'getIamPolicy' | 'setIamPolicy'>;
type AuthLike = { fetch: (url: any, init?: any) => Promise<any> };

/**
 * One IAM-policy client per resource kind, built lazily (ADC discovery is async). gax's REST
 * fallback ignores call timeouts, so the auth client's fetch gets an abort signal of its own.
 */
export function createGcpClients(cfg: GcpSection): (kind: ResourceKind) => Promise<IamClient> {
  let ready: Promise<Record<ResourceKind, IamClient>> | undefined;
  async function build(): Promise<Record<ResourceKind, IamClient>> {
    let auth: AuthLike;
    if (cfg.access_token) {
      const c = new OAuth2Client();
      c.setCredentials({ access_token: cfg.access_token, expiry_date: Date.now() + 10 * 365 * 86_400_000 });
      auth = c;
    } else {
      auth = (await new GoogleAuth({
        scopes: ['https://www.googleapis.com/auth/cloud-platform'],
      }).getClient()) as AuthLike;
    }
    const fetchOrig = auth.fetch.bind(auth);
    auth.fetch = (url, init: { signal?: AbortSignal } = {}) => {
      const timeout = AbortSignal.timeout(cfg.timeout_ms);
      return fetchOrig(url, {
        ...init,
        signal: init.signal ? AbortSignal.any([init.signal, timeout]) : timeout,
      });
    };
    const endpoint = cfg.api_endpoint ? new URL(cfg.api_endpoint) : undefined;
    const opts = {
      fallback: true,
      authClient: auth,
      ...(endpoint
        ? {
            apiEndpoint: endpoint.hostname,
            port: Number(endpoint.port || (endpoint.protocol === 'http:' ? 80 : 443)),
            protocol: endpoint.protocol.replace(':', ''),
          }
        : {}),
    } as ConstructorParameters<typeof ProjectsClient>[0];
    return {
      projects: new ProjectsClient(opts),
      folders: new FoldersClient(opts),
      organizations: new OrganizationsClient(opts),
    };
  }
  return async (kind) => {
    ready ??= build().catch((e) => {
      ready = undefined; // let the next call try ADC again
      throw e;
    });
    return (await ready)[kind];
  };
}
