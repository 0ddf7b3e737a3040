/**
 * createAgent: registers an AI agent and mints its token (returned once, stored only as a hash).
 * Who may: an admin, for any owner; any other human, for agents they own themselves and only with
 * the `requester` right — the `ai-reviewer` right decides other people's requests, so only admins
 * hand it out. Agents never create agents (an owner is always a human).
 */
import { z } from 'zod';
import type { Actor } from '../actor.js';
import { appendAudit } from '../audit/append.js';
import { insertAgent } from '../db/agents-repo.js';
import { sqlState, withTx } from '../db/tx.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';
import { newId } from '../ids.js';
import { parseInput } from '../requests/load.js';
import { refuseUnsafeNameChars } from '../validation/identity-text.js';
import { safeText } from '../validation/text.js';
import { newAgentToken } from './token.js';
import { AGENT_SCOPES, type AgentView, toAgentView } from './view.js';

export const AgentName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?$/, 'use lowercase letters, digits, ".", "_" and "-" (1–64)');

export const CreateAgentInput = z
  .object({
    name: AgentName,
    /** The human the agent acts for; defaults to the caller. */
    owner: safeText(254)
      .trim()
      .toLowerCase()
      .regex(/^[^\s@:]+@[^\s@]+$/, 'must be the email identity of a human')
      .superRefine(refuseUnsafeNameChars)
      .optional(),
    scopes: z
      .array(z.enum(AGENT_SCOPES))
      .min(1)
      .max(8)
      .default(['requester'])
      .transform((s) => [...new Set(s)].sort()),
  })
  .strict();

export interface CreatedAgent {
  agent: AgentView;
  /** The bearer token; shown this once, never retrievable again. */
  token: string;
}

/** Creates an agent; invariant: the token exists only in the return value, the row holds its hash. */
export async function createAgent(deps: CoreDeps, actor: Actor, input: unknown): Promise<CreatedAgent> {
  if (actor.kind !== 'human') throw new AppError('FORBIDDEN', 'only people can create agents');
  const v = parseInput(CreateAgentInput, input);
  const owner = v.owner ?? actor.identity.toLowerCase();
  if (!actor.isAdmin && owner !== actor.identity.toLowerCase())
    throw new AppError('FORBIDDEN', 'you can only create agents that you own (admins can set any owner)', {
      details: { field: 'owner' },
    });
  if (!actor.isAdmin && v.scopes.includes('ai-reviewer'))
    throw new AppError('FORBIDDEN', 'only admins can create agents with the ai-reviewer right', {
      details: { field: 'scopes' },
    });
  const { token, hash } = newAgentToken();
  const now = deps.now();
  try {
    const row = await withTx(deps.db, async (tx) => {
      const r = await insertAgent(tx, {
        id: newId('agt'),
        name: v.name,
        owner,
        createdBy: actor.identity.toLowerCase(),
        scopes: v.scopes,
        tokenHash: hash,
        createdAt: now,
      });
      await appendAudit(tx, {
        actor: actor.identity,
        actorKind: actor.kind,
        action: 'agent.created',
        outcome: 'success',
        details: { agent_id: r.id, name: r.name, owner: r.owner, created_by: r.createdBy, scopes: r.scopes },
      });
      return r;
    });
    return { agent: toAgentView(row), token };
  } catch (e) {
    if (sqlState(e) === '23505')
      throw new AppError('CONFLICT', `an agent named ${v.name} already exists (names are never reused)`, {
        details: { field: 'name' },
      });
    throw e;
  }
}
