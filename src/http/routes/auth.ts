import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { type IdentityDeps, issueDevToken } from '../../core/identity/index.js';
import type { HonoEnv } from '../env.js';
import { errorResponses, jsonBody, jsonOk } from '../schemas/common.js';

const DevTokenBody = z
  .object({
    email: z.string().max(254).openapi({ example: 'alice@example.com' }),
    groups: z
      .array(z.string().max(128))
      .max(64)
      .optional()
      .openapi({ example: ['sre'] }),
    kind: z.enum(['human', 'agent']).optional(),
    ttl_seconds: z.number().int().positive().optional(),
  })
  .strict()
  .openapi('DevTokenInput');
const DevToken = z.object({ token: z.string(), expires_at: z.string() }).openapi('DevToken');
const Whoami = z
  .object({
    identity: z.string(),
    kind: z.enum(['human', 'agent', 'service', 'system']),
    groups: z.array(z.string()),
    is_admin: z.boolean(),
    scopes: z.array(z.string()),
  })
  .openapi('Whoami');

const AuthConfig = z
  .object({
    mode: z.enum(['dev', 'oidc']),
    issuer: z.string().optional().openapi({ example: 'https://idp.example.com/realms/acme' }),
    client_id: z.string().optional().openapi({ example: 'jitsudo-cli' }),
    audience: z.string().optional(),
    /** Scopes every token must carry (auth.oidc.required_scopes): a login asks for them too. */
    required_scopes: z
      .array(z.string())
      .optional()
      .openapi({ example: ['jitsudo'] }),
  })
  .openapi('AuthConfig');
export type AuthConfigView = z.infer<typeof AuthConfig>;

const authConfigRoute = createRoute({
  operationId: 'authConfig',
  method: 'get',
  path: '/auth/config',
  tags: ['auth'],
  summary:
    'How to sign in: the auth mode and, for OIDC, the issuer, public client id and audience (no secrets)',
  responses: { 200: jsonOk(AuthConfig, 'Public sign-in settings'), ...errorResponses },
});

const devTokenRoute = createRoute({
  operationId: 'issueDevToken',
  method: 'post',
  path: '/auth/dev-token',
  tags: ['auth'],
  summary: 'DEV MODE ONLY, loopback only: mint a token for any identity (used by `jitsudo login --dev`)',
  request: jsonBody(DevTokenBody),
  responses: { 200: jsonOk(DevToken, 'A bearer token'), ...errorResponses },
});

const whoamiRoute = createRoute({
  operationId: 'whoami',
  method: 'get',
  path: '/auth/whoami',
  tags: ['auth'],
  security: [{ bearer: [] }],
  summary: 'Who the bearer token says you are, as the server sees it',
  responses: { 200: jsonOk(Whoami, 'The caller'), ...errorResponses },
});

/** The dev-token endpoint; mounted only in dev identity mode. No authentication: it *is* login. */
export function registerDevTokenRoute(app: OpenAPIHono<HonoEnv>, identity: IdentityDeps): void {
  app.openapi(devTokenRoute, async (c) => {
    const minted = await issueDevToken(identity, c.req.valid('json'));
    c.header('Cache-Control', 'no-store');
    return c.json({ token: minted.token, expires_at: minted.expiresAt.toISOString() }, 200);
  });
}

/** Public sign-in settings for `jitsudo login`; unauthenticated, since it is how login starts. */
export function registerAuthConfigRoute(app: OpenAPIHono<HonoEnv>, view: AuthConfigView): void {
  const body: AuthConfigView = { mode: view.mode };
  if (view.issuer) body.issuer = view.issuer;
  if (view.client_id) body.client_id = view.client_id;
  if (view.audience) body.audience = view.audience;
  if (view.required_scopes?.length) body.required_scopes = [...view.required_scopes];
  app.openapi(authConfigRoute, (c) => c.json(body, 200));
}

/** Echoes the authenticated caller. */
export function registerWhoamiRoute(app: OpenAPIHono<HonoEnv>): void {
  app.openapi(whoamiRoute, (c) => {
    const a = c.get('actor');
    return c.json(
      { identity: a.identity, kind: a.kind, groups: a.groups, is_admin: a.isAdmin, scopes: a.scopes },
      200,
    );
  });
}
