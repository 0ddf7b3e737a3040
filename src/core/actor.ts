/**
 * Who is calling a core verb, as established by a surface's authentication. Core authorizes
 * against this and nothing else; surfaces never make authorization decisions of their own.
 */
export interface Actor {
  /** Stable identity: an email for humans, `agent:<name>` for agents, `service:<client_id>` for machines. */
  identity: string;
  /** `service`: an OIDC client-credentials token (a machine of the IdP's, not a registered agent). */
  kind: 'human' | 'agent' | 'service' | 'system';
  groups: string[];
  /** Set for agents: the agent's id, name, the human that owns it and the one who registered it. */
  agent?: { id: string; name: string; owner: string; createdBy?: string };
  /** Rights granted by the token: `requester` (default), `ai-reviewer`, `admin` (derived). */
  scopes: string[];
  /** Derived from config (admin group / admin emails) at authentication time. */
  isAdmin: boolean;
  /**
   * When the IdP last authenticated this person (seconds since the epoch), as the credential vouches
   * for it: an OIDC token's `auth_time`, a dev token's `iat`. Absent when nothing says (a Slack
   * click, an agent, a certificate, an OIDC token without auth_time): then never fresh (ADR 0050).
   */
  authTime?: number;
}

/** The actor for work the server does on its own (sweeper expiries, auto-escalation). */
export const SYSTEM_ACTOR: Actor = Object.freeze({
  identity: 'system',
  kind: 'system',
  groups: [],
  scopes: [],
  isAdmin: false,
}) as Actor;
