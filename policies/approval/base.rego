# Approval answers two questions:
#   allow          -- may input.user (the approver) approve this request?
#                     input.context.requester is the person or agent who asked.
#   approver_tier  -- who must approve a new request ("auto", "ai_review" or "human")?
#                     Evaluated at creation with the requester as input.user.
#
# Routing composes through two sets that other files add to:
#   route contains "<tier>" -- a rule offers this tier; the most lenient offer wins
#   cap   contains "<tier>" -- the tier may not be more lenient than this
# With no offer the request goes to a human.
package jitsudo.approval

import data.jitsudo.lib.roles

# Groups whose members may approve roles that can change things. Anyone else needs trust tier 2.
# (Not named `approver_groups`: that rule, when defined, limits who may decide at all; ADR 0044.)
designated_approvers := {"sre-leads", "jitsudo-approvers"}

default allow := false

allow if count(deny) == 0

deny contains "the approval input names no requester (input.context.requester)" if {
	not input.context.requester
}

deny contains "an approver may not approve their own request" if {
	lower(input.context.requester.email) == lower(input.user.email)
}

# A role that can change things needs a designated approver, never just any account.
deny contains msg if {
	input.context.requester
	not roles.read_only(input.request.role)
	not qualified_approver
	msg := sprintf(
		"approving role %q needs membership of group sre-leads or jitsudo-approvers, or trust tier 2 or more (this approver has tier %v)",
		[input.request.role, object.get(input.context, "trust_tier", 0)],
	)
}

qualified_approver if {
	some g in input.user.groups
	g in designated_approvers
}

qualified_approver if input.context.trust_tier >= 2

# AI reviewers: the server lets only reviewer-scoped agents decide, and only ai_review requests.
qualified_approver if input.user.kind == "agent"

reason := concat("; ", sort(deny)) if count(deny) > 0

# Strictness of each tier: auto < ai_review < human.
tier_rank := {"auto": 0, "ai_review": 1, "human": 2}

tier_names := ["auto", "ai_review", "human"]

default offered := 2

offered := min({tier_rank[t] | some t in route}) if count(route) > 0

default capped := 0

capped := max({tier_rank[t] | some t in cap}) if count(cap) > 0

approver_tier := tier_names[max([offered, capped])]
