import { z } from 'zod';
import type { Actor } from '../actor.js';
import { listPolicyRows } from '../db/policies-repo.js';
import { invalid } from '../principals/access.js';
import { decodePageToken, encodePageToken, pageTokenText } from '../validation/page-token.js';
import { type PolicyDeps, PolicyName, type PolicyView, policyView } from './shared.js';

export const ListPoliciesInput = z
  .object({
    page_size: z.number().int().min(1).max(500).default(100),
    page_token: pageTokenText(256).optional(),
  })
  .strict();

const token = (name: string) => encodePageToken(`p:${name}`);
/** The policy name a token pages after: only a valid policy name is one of ours. */
const untoken = (t: string): string =>
  decodePageToken(t, (s) => {
    const name = s.startsWith('p:') ? s.slice(2) : '';
    return PolicyName.safeParse(name).success ? name : undefined;
  });

/** Stored policies by name, without their source; any authenticated actor may list them. */
export async function listPolicies(
  deps: PolicyDeps,
  _actor: Actor,
  input: unknown = {},
): Promise<{ policies: PolicyView[]; next_page_token: string | null }> {
  const r = ListPoliciesInput.safeParse(input ?? {});
  if (!r.success) throw invalid(r.error);
  const { page_size, page_token } = r.data;
  const rows = await listPolicyRows(deps.db, {
    afterName: page_token ? untoken(page_token) : undefined,
    limit: page_size + 1,
  });
  const page = rows.slice(0, page_size);
  return {
    policies: page.map((row) => policyView(row, false)),
    next_page_token: rows.length > page_size ? token(page.at(-1)!.name) : null,
  };
}
