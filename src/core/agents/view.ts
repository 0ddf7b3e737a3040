/** The outward shape of an agent (never its token or hash) and the Actor an agent token stands for. */
import type { Actor } from '../actor.js';
import type { AgentRow } from '../db/agents-repo.js';

export const AGENT_SCOPES = ['requester', 'ai-reviewer'] as const;
export type AgentScope = (typeof AGENT_SCOPES)[number];

export interface AgentView {
  id: string;
  name: string;
  /** The identity its requests and decisions are recorded under: `agent:<name>`. */
  identity: string;
  owner: string;
  /** Who registered it; with the owner, the people who control it. */
  created_by: string;
  scopes: string[];
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

/** `agent:<name>`, the identity of an agent everywhere (requests, audit, policy input). */
export const agentIdentity = (name: string): string => `agent:${name}`;

/** Maps a row to the public view. */
export function toAgentView(r: AgentRow): AgentView {
  return {
    id: r.id,
    name: r.name,
    identity: agentIdentity(r.name),
    owner: r.owner,
    created_by: r.createdBy,
    scopes: [...r.scopes],
    created_at: r.createdAt.toISOString(),
    revoked_at: r.revokedAt ? r.revokedAt.toISOString() : null,
    last_used_at: r.lastUsedAt ? r.lastUsedAt.toISOString() : null,
  };
}

/** The Actor of an agent: kind `agent`, no groups, never admin; rights are the stored scopes. */
export function agentActor(r: AgentRow): Actor {
  return {
    identity: agentIdentity(r.name),
    kind: 'agent',
    groups: [],
    agent: { id: r.id, name: r.name, owner: r.owner, createdBy: r.createdBy },
    scopes: [...r.scopes],
    isAdmin: false,
  };
}
