/** getRequest: one request, if the caller may see it. */
import type { Actor } from '../actor.js';
import type { CoreDeps } from '../deps.js';
import { loadVisible, parseInput, RequestIdInput } from './load.js';
import { type RequestView, toRequestView } from './view.js';

/** Reads a request; invariant: invisible and nonexistent ids look the same (NOT_FOUND). */
export async function getRequest(deps: CoreDeps, actor: Actor, input: unknown): Promise<RequestView> {
  const v = parseInput(RequestIdInput, input);
  const { row, approvals } = await loadVisible(deps, actor, v.id);
  return toRequestView(row, approvals);
}
