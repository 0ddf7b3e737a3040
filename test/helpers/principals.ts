/** Test setup that writes principals directly (the setTrustTier verb has its own tests). */
import { sql } from 'drizzle-orm';
import type { Database } from '../../src/core/db/client.js';

/** Sets a principal's trust tier, creating the row (kind from the `agent:` prefix) when missing. */
export async function setTier(db: Database, identity: string, tier: number): Promise<void> {
  const kind = identity.startsWith('agent:') ? 'agent' : 'human';
  await db.execute(sql`insert into principals (identity, kind, trust_tier) values (${identity}, ${kind}, ${tier})
    on conflict (identity) do update set trust_tier = excluded.trust_tier`);
}
