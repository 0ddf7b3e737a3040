/**
 * The quorum an approval policy sets for a new request (ADR 0044): `approvals_required` (N distinct
 * approvers, 1 to MAX_APPROVALS_REQUIRED) and `approver_groups` (an approver must be in one). A value
 * the broker cannot use is a POLICY_ERROR, never silently read as "one approval from anyone".
 */
import { AppError } from '../errors.js';
import type { RuleIndex } from './policy-set.js';

export const MAX_APPROVALS_REQUIRED = 10;
const MAX_GROUPS = 64;
const MAX_GROUP_LENGTH = 256;

export interface Quorum {
  approvalsRequired: number;
  /** Empty: no group restriction. */
  approverGroups: string[];
  /** An approval needs a fresh IdP sign-in (ADR 0050); read by stepUpOf, fixed with the quorum. */
  stepUp?: boolean;
}

function invalid(rule: string, what: string, index: RuleIndex | undefined): AppError {
  const module = index?.packages.get('jitsudo.approval')?.rules.get(rule)?.[0];
  return new AppError(
    'POLICY_ERROR',
    `policy data.jitsudo.approval could not be evaluated (${module ? `module ${module}, ` : ''}rule ${rule}): ${what}; nothing was allowed — the policy must be fixed`,
    {
      details: {
        package: 'data.jitsudo.approval',
        ...(module ? { module } : {}),
        rule,
        code: 'invalid_result',
      },
    },
  );
}

/**
 * Reads the quorum rules of an approval document (undefined: 1 and no groups). A set of groups is a
 * sorted array once serialized; an empty set means no restriction, like an undefined one.
 */
export function quorumOf(required: unknown, groups: unknown, index?: RuleIndex): Quorum {
  let approvalsRequired = 1;
  if (required !== undefined) {
    if (
      typeof required !== 'number' ||
      !Number.isInteger(required) ||
      required < 1 ||
      required > MAX_APPROVALS_REQUIRED
    )
      throw invalid(
        'approvals_required',
        `approvals_required must be a whole number from 1 to ${MAX_APPROVALS_REQUIRED}`,
        index,
      );
    approvalsRequired = required;
  }
  const approverGroups: string[] = [];
  if (groups !== undefined) {
    const list = Array.isArray(groups) ? groups : undefined;
    if (
      !list ||
      list.length > MAX_GROUPS ||
      !list.every((g) => typeof g === 'string' && g.length > 0 && g.length <= MAX_GROUP_LENGTH)
    )
      throw invalid(
        'approver_groups',
        `approver_groups must be a set or array of at most ${MAX_GROUPS} non-empty group names`,
        index,
      );
    for (const g of list as string[]) if (!approverGroups.includes(g)) approverGroups.push(g);
  }
  return { approvalsRequired, approverGroups };
}

/**
 * Reads `step_up` (ADR 0050): undefined is false; anything but a boolean is a POLICY_ERROR, since
 * reading `"true"` or `1` as false would quietly let a Slack click approve a high-risk request.
 */
export function stepUpOf(v: unknown, index?: RuleIndex): boolean {
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw invalid('step_up', 'step_up must be true or false', index);
  return v;
}
