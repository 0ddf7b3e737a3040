export { actorFromClaims } from './actor-from-claims.js';
export { createAuthenticator } from './create-authenticator.js';
export { IssueDevTokenInput, issueDevToken } from './issue-dev-token.js';
export { mintDevToken } from './mint-dev-token.js';
export {
  type ProtectedResource,
  type ProtectedResourceMetadata,
  protectedResource,
  RESOURCE_METADATA_PATH,
} from './protected-resource.js';
export type {
  Authenticator,
  DevTokenSubject,
  IdentityConfig,
  IdentityDeps,
  MintedToken,
  TokenKeys,
} from './types.js';
export { verifyToken } from './verify-token.js';
