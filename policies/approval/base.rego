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

default allow := false

allow if count(deny) == 0

deny contains "the approval input names no requester (input.context.requester)" if {
	not input.context.requester
}

deny contains "an approver may not approve their own request" if {
	lower(input.context.requester.email) == lower(input.user.email)
}

reason := concat("; ", sort(deny)) if count(deny) > 0

# Strictness of each tier: auto < ai_review < human.
tier_rank := {"auto": 0, "ai_review": 1, "human": 2}

tier_names := ["auto", "ai_review", "human"]

default offered := 2

offered := min({tier_rank[t] | some t in route}) if count(route) > 0

default capped := 0

capped := max({tier_rank[t] | some t in cap}) if count(cap) > 0

approver_tier := tier_names[max([offered, capped])]
