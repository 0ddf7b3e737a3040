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
