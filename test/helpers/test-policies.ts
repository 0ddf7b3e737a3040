/** Rego modules tests add to the shipped policies (the shipped ones never grant agents or disclosure). */

/** Agents owned by alice may ask for any role. */
export const AGENTS_OF_ALICE = {
  name: 'test-agents-eligibility',
  rego: `package jitsudo.eligibility
grant contains "agent owned by alice" if {
  input.user.kind == "agent"
  input.user.agent.owner == "alice@example.com"
}`,
};

/** Credentials may be disclosed to the requester on the `disclose-ok` scope only. */
export const DISCLOSURE_ON_ONE_SCOPE = {
  name: 'test-disclosure',
  rego: `package jitsudo.approval
allow_credential_disclosure if input.request.resource_scope == "disclose-ok"`,
};

/** A request for role `ai-review-me` goes to the AI reviewer, whoever asks (the shipped policies route only agents there). */
export const AI_REVIEW_ROLE = {
  name: 'test-ai-review-role',
  rego: `package jitsudo.approval
route contains "ai_review" if input.request.role == "ai-review-me"`,
};

/**
 * N-of-M approvals (ADR 0044), chosen per request by test metadata: `approvals_required` ("2") and
 * `approver_groups` ("db-owners,sre-leads"). Only tests let the requester pick: a real policy
 * decides from the role, scope or target. A value outside 1..10 is the policy's POLICY_ERROR.
 */
export const QUORUM_FROM_METADATA = {
  name: 'test-quorum-from-metadata',
  rego: `package jitsudo.approval
approvals_required := to_number(input.request.metadata.approvals_required) if input.request.metadata.approvals_required
approver_groups := split(input.request.metadata.approver_groups, ",") if input.request.metadata.approver_groups`,
};

/** Every request approved by a person needs `n` distinct approvers (optionally from `groups`). */
export const quorumPolicy = (n: number, groups: string[] = []) => ({
  name: `test-quorum-${n}`,
  rego: `package jitsudo.approval
approvals_required := ${JSON.stringify(n)}
${groups.length ? `approver_groups := ${JSON.stringify(groups)}` : ''}`,
});

/** The second approver may not share a group with the first (reads input.context.approvals). */
export const OTHER_TEAM_SECOND = {
  name: 'test-other-team-second',
  rego: `package jitsudo.approval
deny contains "the second approver must be from another team" if {
  some a in input.context.approvals
  lower(a.identity) != lower(input.user.email)
  some g in a.groups
  g in input.user.groups
}`,
};
