/** Test setup that writes principals directly (the setTrustTier verb has its own tests). */
import { sql } from 'drizzle-orm';
import type { Database } from '../../src/core/db/client.js';

/**
 * Sets a principal's trust tier, creating the row when missing. An `agent:<name>` identity must be a
 * registered agent: its row is keyed to the agent's id, as setTrustTier keys it (ADR 0034).
 */
export async function setTier(db: Database, identity: string, tier: number): Promise<void> {
  if (!identity.startsWith('agent:')) {
    await db.execute(sql`insert into principals (identity, kind, trust_tier) values (${identity}, 'human', ${tier})
      on conflict (identity) do update set trust_tier = excluded.trust_tier`);
    return;
  }
  const res = (await db.execute(sql`insert into principals (identity, kind, agent_id, trust_tier)
      select ${identity}, 'agent', id, ${tier} from agents where name = ${identity.slice('agent:'.length)}
      on conflict (identity) do update set trust_tier = excluded.trust_tier, agent_id = excluded.agent_id
      returning identity`)) as unknown;
  const rows = Array.isArray(res) ? res : (res as { rows: unknown[] }).rows;
  if (rows.length === 0) throw new Error(`setTier: no agent registered as ${identity}; create it first`);
}
