import type { Config } from '../config.js';
import type { Executor } from '../db/client.js';
import { listPolicyRows, policyFingerprint } from '../db/policies-repo.js';
import { AppError } from '../errors.js';
import { type InspectablePolicySet, loadWasmPolicySet } from '../policy/index.js';
import type { PolicySet } from '../policy/types.js';
import { seedPolicies } from './seed-policies.js';
import { compileSet, defaultPolicyDir, toSource } from './shared.js';

export interface PolicyStore {
  /** The live set; never undefined after createPolicyStore resolved. */
  current(): PolicySet & InspectablePolicySet;
  /** Reloads now; the set is swapped only if the new one compiles. Returns the module count. */
  reload(): Promise<number>;
  /** Re-reads the store every `policy.reload_interval_seconds` when it changed (other replicas' writes). */
  start(): void;
  stop(): void;
}

export interface PolicyStoreDeps {
  db: Executor;
  config: Readonly<Pick<Config, 'policy'> & Partial<Pick<Config, 'catalog'>>>;
  log?: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
  now?: () => Date;
  /** Seed from this directory instead of `policy.dir` / the shipped `policies/` (false: never seed). */
  seedDir?: string | false;
}

/**
 * Loads the policy store: with the rego engine, seeds it (when never written) from `policy.dir` or
 * the shipped `policies/`, then compiles the enabled rows; with the wasm engine, loads the bundle.
 */
export async function createPolicyStore(deps: PolicyStoreDeps): Promise<PolicyStore> {
  const { config } = deps;
  let live: PolicySet & InspectablePolicySet;
  let fingerprint = '';
  let count = 0;
  let timer: NodeJS.Timeout | undefined;

  const load = async (): Promise<number> => {
    if (config.policy.engine === 'wasm') {
      if (!config.policy.bundle)
        throw new AppError(
          'VALIDATION',
          'invalid config key policy.bundle: required with policy.engine wasm',
        );
      live = await loadWasmPolicySet(config.policy.bundle);
      return 1;
    }
    const fp = await policyFingerprint(deps.db);
    const rows = await listPolicyRows(deps.db, { enabledOnly: true });
    live = compileSet(rows.map(toSource), config);
    fingerprint = fp;
    count = rows.length;
    return count;
  };

  if (config.policy.engine === 'rego' && deps.seedDir !== false) {
    const dir = deps.seedDir ?? config.policy.dir ?? defaultPolicyDir();
    const seeded = await seedPolicies(deps, dir);
    if (seeded) deps.log?.info({ seeded, dir }, 'seeded the policy store');
  }
  await load();

  const tick = async () => {
    try {
      if (config.policy.engine === 'rego' && (await policyFingerprint(deps.db)) === fingerprint) return;
      await load();
      deps.log?.info({ policies: count }, 'policy store reloaded');
    } catch (e) {
      deps.log?.warn({ err: (e as Error).message }, 'policy reload failed; keeping the previous set');
    }
  };

  return {
    current: () => live,
    reload: load,
    start() {
      if (timer) return;
      timer = setInterval(() => void tick(), config.policy.reload_interval_seconds * 1000);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
