/**
 * What core reports for metrics, without knowing how they are kept (ADR 0053): the surface that
 * exports them (src/server/metrics) implements `CoreObserver`. Labels are closed sets or configured
 * names — a decision kind, a provider name, an operation — never who asked, why, or a resource.
 */
import type { PolicyHolder } from '../deps.js';
import type { PolicySet } from '../policy/types.js';
import { ProviderRegistry } from '../providers/registry.js';
import type { Provider } from '../providers/types.js';

export type PolicyDecisionKind = 'eligibility' | 'approval';
export type ProviderOperation = 'inspect' | 'grant' | 'revoke' | 'extend' | 'is_active' | 'cleanup';

export interface CoreObserver {
  policyEvaluated(kind: PolicyDecisionKind, seconds: number, ok: boolean): void;
  providerCalled(provider: string, operation: ProviderOperation, seconds: number, ok: boolean): void;
}

const OPERATIONS: Record<string, ProviderOperation> = {
  inspect: 'inspect',
  grant: 'grant',
  revoke: 'revoke',
  extend: 'extend',
  isActive: 'is_active',
  cleanup: 'cleanup',
};

function timed<A extends unknown[], R>(fn: (...a: A) => R, done: (seconds: number, ok: boolean) => void) {
  return (...args: A): R => {
    const started = performance.now();
    const end = (ok: boolean) => done((performance.now() - started) / 1000, ok);
    let out: R;
    try {
      out = fn(...args);
    } catch (e) {
      end(false);
      throw e;
    }
    if (out instanceof Promise)
      return out.then(
        (v) => {
          end(true);
          return v;
        },
        (e) => {
          end(false);
          throw e;
        },
      ) as R;
    end(true);
    return out;
  };
}

/**
 * A view of `target` whose named methods report to `done`; everything else (other methods, fields,
 * `instanceof`) is the target's own, methods bound to it so private fields keep working.
 */
function wrap<T extends object>(
  target: T,
  names: Record<string, string>,
  done: (name: string, s: number, ok: boolean) => void,
): T {
  const cache = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(t, key) {
      const v = Reflect.get(t, key, t);
      if (typeof v !== 'function') return v;
      if (!cache.has(key)) {
        const bound = (v as (...a: unknown[]) => unknown).bind(t);
        const name = typeof key === 'string' ? names[key] : undefined;
        cache.set(key, name ? timed(bound, (s, ok) => done(name, s, ok)) : bound);
      }
      return cache.get(key);
    },
  });
}

/** The live policy set, each evaluation timed; views are made once per (immutable) set. */
export function observedPolicies(holder: PolicyHolder, obs: CoreObserver): PolicyHolder {
  const setViews = new WeakMap<PolicySet, PolicySet>();
  return {
    current() {
      const set = holder.current();
      let view = setViews.get(set);
      if (!view) {
        view = wrap(set, { eligibility: 'eligibility', approval: 'approval' }, (kind, s, ok) =>
          obs.policyEvaluated(kind as PolicyDecisionKind, s, ok),
        );
        setViews.set(set, view);
      }
      return view;
    },
    reload: () => holder.reload(),
  };
}

/** The same providers, every call to them timed and its failure counted, by provider and operation. */
export function observedProviders(registry: ProviderRegistry, obs: CoreObserver): ProviderRegistry {
  return new ProviderRegistry(
    registry
      .list()
      .map((p) =>
        wrap<Provider>(p, OPERATIONS, (op, s, ok) =>
          obs.providerCalled(p.name, op as ProviderOperation, s, ok),
        ),
      ),
  );
}
