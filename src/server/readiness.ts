/**
 * What GET /readyz checks (ADR 0053): the server is not shutting down, the database answers, and
 * the live policy set can decide — evaluated on the trial inputs `policy apply` uses, once per set
 * (sets are immutable; a reload swaps in a new one). A set that fails them would answer every
 * decision with POLICY_ERROR: such a replica should leave the load balancer, not take traffic.
 */
import type { CoreDeps } from '../core/deps.js';
import { assertEvaluates } from '../core/policy/trial-inputs.js';
import type { PolicySet } from '../core/policy/types.js';
import { NotReadyError } from '../http/routes/health.js';

/** The readiness check for `deps`; `closing()` true once shutdown began. */
export function readiness(deps: CoreDeps, closing: () => boolean = () => false): () => Promise<void> {
  const verdicts = new WeakMap<PolicySet, Error | null>();
  return async () => {
    if (closing()) throw new NotReadyError('shutting down');
    try {
      await deps.db.execute('select 1');
    } catch (e) {
      throw new NotReadyError('database unavailable', { cause: e });
    }
    const set = deps.policies.current();
    let verdict = verdicts.get(set);
    if (verdict === undefined) {
      try {
        assertEvaluates(set);
        verdict = null;
      } catch (e) {
        verdict = e as Error;
      }
      verdicts.set(set, verdict);
    }
    if (verdict) {
      deps.log.error({ err: verdict.message }, 'the live policy set cannot evaluate its trial inputs');
      throw new NotReadyError('policy set cannot evaluate', { cause: verdict });
    }
  };
}
