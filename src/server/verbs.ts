/**
 * The verbs the HTTP API calls, taken from the core built by `createCore`. Verbs a core does not
 * (yet) bind answer with a clear error instead of crashing the route.
 */
import type { Actor } from '../core/actor.js';
import type { Core } from '../core/create-core.js';
import { AppError } from '../core/errors.js';
import { type HttpVerbs, VERB_NAMES, type Verb } from '../http/core-port.js';

const missing =
  (name: string): Verb =>
  async (_actor: Actor) => {
    throw new AppError('INTERNAL', `${name} is not available in this build`);
  };

/** Maps each HTTP operation to the core verb of the same name. */
export function httpVerbs(core: Core, extra: Partial<HttpVerbs> = {}): HttpVerbs {
  const bound = core as unknown as Record<string, Verb | undefined>;
  return Object.fromEntries(
    VERB_NAMES.map((name) => [name, extra[name] ?? bound[name] ?? missing(name)]),
  ) as HttpVerbs;
}
