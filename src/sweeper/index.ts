/** The sweeper and its factory for createCore's `background` option. */
import type { Background } from '../core/create-core.js';
import type { CoreDeps } from '../core/deps.js';
import { Sweeper, type SweeperOptions } from './sweeper.js';

export { Sweeper, type SweeperOptions, type SweepJob, type SweepReport } from './sweeper.js';

/** A background factory: `createCore({ ..., background: [sweeperBackground()] })`; honours sweeper.enabled. */
export function sweeperBackground(opts: SweeperOptions = {}): (deps: CoreDeps) => Background {
  return (deps) => {
    if (!deps.config.sweeper.enabled) return { start() {}, stop: async () => {} };
    return new Sweeper(deps, opts);
  };
}
