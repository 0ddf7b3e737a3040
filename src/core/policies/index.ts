/** The policy store verbs, for composition roots to bind to their deps. */
export { applyPolicy } from './apply-policy.js';
export { deletePolicy } from './delete-policy.js';
export { evalPolicy } from './eval-policy.js';
export { getPolicy } from './get-policy.js';
export { listPolicies } from './list-policies.js';
export { createPolicyStore, type PolicyStore } from './policy-store.js';
export { reloadPolicies } from './reload-policies.js';
