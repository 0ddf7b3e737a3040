/**
 * Cost of authenticating one request: the dev-token path (HS256, server key) beside OIDC (RS256
 * from an in-process oidc-provider, JWKS fetched once over HTTP and then warm). For each, N distinct
 * tokens (every one a full signature check and claim mapping) and then the same token again (the
 * VerifiedTokenCache hit a client re-using its token gets). Prints µs p50/p99 per call.
 * Usage: npm run bench:auth [-- N]
 */
import { parseConfig } from '../src/core/config.js';
import { createAuthenticator, mintDevToken } from '../src/core/identity/index.js';
import { startOidcIdp } from '../test/helpers/oidc-idp.js';

const N = Number(process.argv[2] ?? 3000);
const tokenKey = new Uint8Array(32).fill(7);

async function measure(label: string, tokens: string[], auth: (t: string) => Promise<unknown>) {
  for (const t of tokens.slice(0, 200)) await auth(t); // warm-up (JIT; for OIDC also the JWKS)
  const us: number[] = [];
  for (const t of tokens.slice(200)) {
    const t0 = process.hrtime.bigint();
    await auth(t);
    us.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  us.sort((a, b) => a - b);
  const q = (p: number) => us[Math.min(us.length - 1, Math.floor(us.length * p))]!.toFixed(1);
  console.log(
    `${label.padEnd(44)} p50 ${q(0.5).padStart(7)} µs   p99 ${q(0.99).padStart(7)} µs   (n=${us.length})`,
  );
}

const idp = await startOidcIdp();
try {
  const dev = createAuthenticator({ config: parseConfig({ home: '/x' }), keys: { tokenKey } });
  const oidcConfig = parseConfig({
    home: '/x',
    auth: { mode: 'oidc', oidc: { issuer: idp.issuer, audience: idp.audience } },
  });
  const oidc = createAuthenticator({ config: oidcConfig, keys: { tokenKey } });
  await oidc.ready?.();
  const warm = N + 200;
  const devTokens = await Promise.all(
    Array.from(
      { length: warm },
      async (_, i) =>
        (
          await mintDevToken(
            { tokenKey },
            { email: `u${i}@example.com`, groups: ['sre'], kind: 'human', ttl: 3600 },
          )
        ).token,
    ),
  );
  const oidcTokens = await Promise.all(
    Array.from({ length: warm }, (_, i) => idp.mintUserToken(`u${i}@example.com`, ['sre'])),
  );
  console.log(`auth verification per request, node ${process.version}`);
  await measure('dev token (HS256), distinct tokens', devTokens, dev.authenticate);
  await measure('OIDC (RS256, warm JWKS), distinct tokens', oidcTokens, oidc.authenticate);
  await measure('dev token, cache hit', Array(warm).fill(devTokens[0]), dev.authenticate);
  await measure('OIDC, cache hit', Array(warm).fill(oidcTokens[0]), oidc.authenticate);
  console.log(`JWKS fetched ${idp.jwksFetches} time(s) over the whole run`);
} finally {
  await idp.stop();
}
