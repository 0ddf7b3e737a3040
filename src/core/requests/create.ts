/**
 * createRequest: eligibility decides whether the request may exist at all (break-glass included);
 * the approval policy routes it (auto | ai_review | human); auto-approved and break-glass requests
 * go straight on to the grant. Provider calls happen only after the request is committed.
 */
import type { Actor } from '../actor.js';
import { readTrustTier } from '../db/requests-repo.js';
import type { CoreDeps } from '../deps.js';
import { nearestAlternatives } from '../eligible/alternatives.js';
import { AppError } from '../errors.js';
import { newId } from '../ids.js';
import { asPolicyError } from '../policy/policy-error.js';
import type { Quorum } from '../policy/quorum.js';
import type { ApprovalDecision, ApproverTier, Decision } from '../policy/types.js';
import { assertRequester } from './access.js';
import { assertAgentLimits, requesterKeys } from './agent-limits.js';
import { parseCreateInput } from './create-input.js';
import { recordCreation } from './create-record.js';
import { issueGrants } from './grant-flow.js';
import { inspectGrantTarget } from './inspect-target.js';
import { logPolicyError, type PolicyStage, policyErrorEvent } from './policy-failure.js';
import { decideAt, policyInput, userInput } from './policy-input.js';
import { audit, transact } from './tx.js';
import { type RequestView, toRequestView } from './view.js';

/** Creates a request; invariant: a denied request leaves only its audit row, an approved one is granted. */
export async function createRequest(deps: CoreDeps, actor: Actor, input: unknown): Promise<RequestView> {
  assertRequester(actor);
  const v = parseCreateInput(input, deps.config);
  const provider = deps.providers.get(v.provider);
  const now = deps.now();
  const id = newId('req');
  const base = {
    id,
    requesterIdentity: actor.identity,
    requesterKind: actor.kind === 'system' ? ('human' as const) : actor.kind,
    requesterGroups: [...actor.groups],
    agentId: actor.agent?.id ?? null,
    agentName: actor.agent?.name ?? null,
    agentOwner: actor.agent?.owner ?? null,
    agentCreatedBy: actor.agent ? (actor.agent.createdBy ?? actor.agent.owner) : null,
    provider: v.provider,
    role: v.role,
    resourceScope: v.resourceScope,
    durationSeconds: v.durationSeconds,
    reason: v.reason,
    breakGlass: v.breakGlass,
    metadata: v.metadata,
    createdAt: now,
    updatedAt: now,
  };
  const grantRequest = {
    requestId: id,
    principal: {
      identity: actor.identity,
      kind: base.requesterKind,
      groups: base.requesterGroups,
      ...(actor.agent ? { agent: { name: actor.agent.name, owner: actor.agent.owner } } : {}),
    },
    role: v.role,
    scope: v.resourceScope,
    durationSeconds: v.durationSeconds,
    reason: v.reason,
    metadata: v.metadata,
  };
  provider.validate(grantRequest);
  await assertAgentLimits(deps, actor, now);
  // What the grant really gives, read at the target before anything is recorded (approvers see it).
  const target = await inspectGrantTarget(deps, provider, grantRequest);

  const policies = deps.policies.current();
  const who = { actor: actor.identity, actorKind: actor.kind, onBehalfOf: actor.agent?.owner };
  const where = { provider: v.provider, resourceScope: v.resourceScope };
  const summary = { role: v.role, duration_seconds: v.durationSeconds, break_glass: v.breakGlass };
  const requestDoc = {
    provider: v.provider,
    role: v.role,
    resource_scope: v.resourceScope,
    duration_seconds: v.durationSeconds,
    reason: v.reason,
    break_glass: v.breakGlass,
    metadata: v.metadata,
    ...(target ? { target } : {}),
  };

  // One transaction reads the trust tier, lets policy decide and records the outcome: a denial's
  // audit row or the request with its own. Deciding inside it saves a round trip per request and
  // lets group commit batch the tier reads of concurrent creations too. It may run twice (retries).
  const outcome = await transact(
    deps,
    async (tx) => {
      // Checked here, under a per-agent lock and with the insert, so a parallel burst cannot overshoot.
      await assertAgentLimits(deps, actor, now, tx);
      const trustTier = await readTrustTier(tx, actor);
      const pin = policyInput(userInput(actor), requestDoc, trustTier, now);
      // A policy that cannot decide fails closed: its audit event is all this transaction writes.
      let stage: PolicyStage = 'eligibility';
      const failed = async (e: unknown) => {
        const err = asPolicyError(e);
        if (!err) throw e;
        await audit(tx, policyErrorEvent(err, stage, { ...who, ...where }, summary));
        return { kind: 'policy_error', error: err, stage } as const;
      };
      let eligibility: Decision;
      try {
        eligibility = policies.eligibility(pin, decideAt(now));
      } catch (e) {
        return failed(e);
      }
      if (!eligibility.allow) {
        await audit(tx, {
          ...who,
          ...where,
          action: 'request.denied_by_policy',
          outcome: 'denied',
          details: { ...summary, reasons: eligibility.reasons, decided_by: eligibility.decidedBy },
        });
        return { kind: 'denied', denied: eligibility, pin, trustTier } as const;
      }
      let tier: ApproverTier = 'auto';
      let decidedBy = eligibility.decidedBy;
      let quorum: Quorum = { approvalsRequired: 1, approverGroups: [] };
      if (!v.breakGlass) {
        stage = 'approval_routing';
        let approval: ApprovalDecision;
        try {
          approval = policies.approval(pin, decideAt(now));
        } catch (e) {
          return failed(e);
        }
        tier = approval.approverTier;
        decidedBy = approval.decidedBy;
        quorum = {
          approvalsRequired: approval.approvalsRequired ?? 1,
          approverGroups: approval.approverGroups ?? [],
          stepUp: approval.stepUp ?? false,
        };
      }
      // The quorum is fixed now: a later policy change does not move the goalposts (ADR 0044).
      const row = {
        ...base,
        ...(target ? { targetFacts: target } : {}),
        approvalsRequired: quorum.approvalsRequired,
        approverGroups: quorum.approverGroups,
        stepUp: quorum.stepUp ?? false,
      };
      const created = await recordCreation(deps, tx, { base: row, actor, tier, decidedBy, trustTier, now });
      return { kind: 'created', ...created } as const;
    },
    [id, ...requesterKeys(actor)],
  );

  if (outcome.kind === 'policy_error') {
    logPolicyError(deps, outcome.error, outcome.stage, { actor: actor.identity });
    throw outcome.error;
  }
  if (outcome.kind === 'denied') {
    const { denied, pin, trustTier } = outcome;
    // What policy would allow instead, so a caller (an agent, above all) can adjust rather than retry.
    const alternatives = nearestAlternatives(
      { policies, user: pin.user, trustTier, now },
      deps.config,
      deps.providers,
      pin.request,
    );
    throw new AppError('POLICY_DENIED', `denied by policy: ${denied.reason}`, {
      details: {
        reasons: denied.reasons,
        decided_by: denied.decidedBy,
        trust_tier: trustTier,
        alternatives,
      },
    });
  }
  const { row, approvals, immediate } = outcome;
  if (!immediate) return toRequestView(row, approvals);
  if (v.breakGlass)
    deps.log.warn(
      {
        request_id: id,
        requester: actor.identity,
        provider: v.provider,
        role: v.role,
        scope: v.resourceScope,
      },
      'BREAK-GLASS access used: approval skipped',
    );
  const [after] = await issueGrants(deps, [row], who);
  return toRequestView(after!, approvals);
}
