/** Principal verbs, for composition roots to bind to their deps. */
export { getPrincipal } from './get-principal.js';
export { listPrincipals } from './list-principals.js';
export { setTrustTier } from './set-trust-tier.js';
export { touchPrincipal } from './touch-principal.js';
