import { AuthorizationManagementClient } from '@azure/arm-authorization';
import type { TokenCredential } from '@azure/core-auth';
import type { AzureSection } from './config.js';

// Scope-based operations never use the client's subscription; the constructor still wants one.
const UNUSED_SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';

/** The ARM authorization client; our retry policy is the only one (SDK retries off). */
export function createArmClient(
  cfg: AzureSection,
  credential: TokenCredential,
): AuthorizationManagementClient {
  const endpoint = cfg.arm_endpoint.replace(/\/$/, '');
  const client = new AuthorizationManagementClient(credential, UNUSED_SUBSCRIPTION, {
    endpoint,
    credentialScopes: [`${endpoint}/.default`],
    retryOptions: { maxRetries: 0 },
  });
  const url = new URL(endpoint);
  if (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    // The SDK's bearer policy refuses plain http; a loopback test endpoint gets the token set by hand.
    client.pipeline.removePolicy({ name: 'bearerTokenAuthenticationPolicy' });
    client.pipeline.addPolicy({
      name: 'loopbackBearer',
      async sendRequest(req, next) {
        const t = await credential.getToken(`${endpoint}/.default`);
        req.allowInsecureConnection = true;
        req.headers.set('authorization', `Bearer ${t!.token}`);
        return next(req);
      },
    });
  }
  return client;
}
