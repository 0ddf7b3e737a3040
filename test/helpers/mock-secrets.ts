/** What the mock provider's secrets and agent tokens look like, for proving they did not leak. */

/** Anything that looks like a mock credential, a mock revoke handle or an agent token. */
export const SECRET_PATTERN = /mock-(?:access-key|session-token|revoke-token)-|jit_agt_[A-Za-z0-9_-]{10}/;

/** The exact credential values the mock issues for request `id`. */
export const mockSecrets = (id: string) => [`mock-access-key-${id}`, `mock-session-token-${id}`];
