/** The policy layer's public surface: load a set (rego or wasm), decide, dry-run. */
export { type CatalogForPolicy, catalogPolicyData } from './catalog-data.js';
export { missingPackage, toApprovalDecision, toDecision } from './decisions.js';
export { DEFAULT_POLICIES_DIR, defaultPolicySources } from './default-policies.js';
export {
  type InspectablePolicySet,
  loadRegoPolicySet,
  type PolicyDocument,
  type RegoLoadOptions,
  type RegoPolicySet,
} from './engine-rego.js';
export { loadWasmPolicySet, type WasmLoadOptions, type WasmPolicySet } from './engine-wasm.js';
export { asPolicyError } from './policy-error.js';
export { type CandidatePolicy, evaluatePolicyDocument, type PolicyEvalResult } from './policy-eval.js';
export { candidateSources, moduleName, PACKAGE_OF, type PolicyKind } from './policy-set.js';
export type * from './types.js';
