import { z } from 'zod';
import type { Actor } from '../actor.js';
import { listPolicyRows } from '../db/policies-repo.js';
import { AppError } from '../errors.js';
import { evaluatePolicyDocument, type InspectablePolicySet } from '../policy/index.js';
import { nestsDeeperThan, tooDeepMessage } from '../policy/input-depth.js';
import { invalid } from '../principals/access.js';
import { compileSet, loadOptions, PolicyCandidate, type PolicyDeps, toSource } from './shared.js';

export const EvalPolicyInput = z
  .object({
    type: z.enum(['eligibility', 'approval']).default('eligibility'),
    /** The policy input document (user, request, context), passed verbatim. */
    input: z
      .record(z.string(), z.unknown())
      .refine((v) => !nestsDeeperThan(v), { message: tooDeepMessage() }),
    candidate: PolicyCandidate.optional(),
    mode: z.enum(['with', 'instead']).default('with'),
  })
  .strict();
export type EvalPolicyInput = z.input<typeof EvalPolicyInput>;

export interface EvalPolicyResult {
  package: string;
  allow: boolean;
  reason: string;
  reasons: string[];
  /** Only for `approval`. */
  approver_tier: 'auto' | 'ai_review' | 'human' | null;
  decided_by: string[];
  /** Whether any rule defined the decision (false = default deny). */
  defined: boolean;
  /** The whole package document, as plain JSON. */
  result: unknown;
}

const isInspectable = (s: unknown): s is InspectablePolicySet =>
  typeof (s as InspectablePolicySet | undefined)?.document === 'function';

/**
 * Dry-runs a decision — nothing is stored or audited. Anyone may evaluate the live set; evaluating
 * an unsaved candidate (which compiles user-supplied Rego) is for administrators.
 */
export async function evalPolicy(deps: PolicyDeps, actor: Actor, input: unknown): Promise<EvalPolicyResult> {
  const r = EvalPolicyInput.safeParse(input);
  if (!r.success) throw invalid(r.error);
  const q = r.data;
  if (q.candidate && !actor.isAdmin)
    throw new AppError('FORBIDDEN', 'only administrators may evaluate unsaved policies');
  let out: ReturnType<typeof evaluatePolicyDocument>;
  if (q.candidate) {
    const live = (await listPolicyRows(deps.db, { enabledOnly: true })).map(toSource);
    const regoVersion = q.candidate.rego_version ?? deps.config.policy.rego_version;
    out = evaluatePolicyDocument(
      {
        live,
        candidate: { name: q.candidate.name, rego: q.candidate.rego, regoVersion },
        mode: q.mode,
        load: loadOptions(deps.config),
      },
      q.type,
      q.input,
    );
  } else {
    const current = deps.policies.current();
    const set = isInspectable(current)
      ? current
      : compileSet((await listPolicyRows(deps.db, { enabledOnly: true })).map(toSource), deps.config);
    out = evaluatePolicyDocument(set, q.type, q.input);
  }
  return {
    package: out.package,
    allow: out.allow,
    reason: out.reason,
    reasons: out.decision.reasons,
    approver_tier: out.approverTier ?? null,
    decided_by: out.decision.decidedBy,
    defined: out.decision.defined,
    result: out.result ?? null,
  };
}
