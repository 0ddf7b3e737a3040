/**
 * The part of jitsudod's config that policy may read as `data`: which catalog roles are marked
 * `read_only: true`, by provider. Read-only is declared, never inferred from a role's name.
 */
import type { Config } from '../config.js';

/** Catalog entries as config gives them (only the fields policy data needs). */
export type CatalogForPolicy = readonly Pick<Config['catalog'][number], 'provider' | 'role' | 'read_only'>[];

/** `{ jitsudo: { catalog: { read_only_roles: { <provider>: [role, ...] } } } }` for the policy set's base data. */
export function catalogPolicyData(catalog: CatalogForPolicy = []): Record<string, unknown> {
  const readOnly: Record<string, string[]> = {};
  for (const e of catalog) {
    if (e.read_only !== true) continue;
    const roles = readOnly[e.provider] ?? [];
    if (!roles.includes(e.role)) roles.push(e.role);
    readOnly[e.provider] = roles;
  }
  return { jitsudo: { catalog: { read_only_roles: readOnly } } };
}
