/**
 * The live policy set read from `.rego` files (`policy.dir`, default `policies/`). Stands in until
 * the policy store (database-backed, with revisions) is wired; reload() re-reads the files.
 */
import type { Logger } from 'pino';
import type { Config } from '../core/config.js';
import type { PolicyHolder } from '../core/deps.js';
import {
  catalogPolicyData,
  DEFAULT_POLICIES_DIR,
  defaultPolicySources,
  loadRegoPolicySet,
} from '../core/policy/index.js';
import type { PolicySet } from '../core/policy/types.js';

export function filePolicyHolder(config: Readonly<Config>, log: Logger): PolicyHolder {
  const dir = config.policy.dir ?? DEFAULT_POLICIES_DIR;
  const load = () => {
    const sources = defaultPolicySources(dir);
    const data = catalogPolicyData(config.catalog);
    return { set: loadRegoPolicySet(sources, { data }) as PolicySet, count: sources.length };
  };
  let current = load();
  log.info({ dir, modules: current.count }, 'policies loaded');
  return {
    current: () => current.set,
    async reload() {
      current = load();
      return current.count;
    },
  };
}
