# Break-glass (emergency access that skips waiting for an approver) is for trust tier 4 only.
package jitsudo.eligibility

deny contains msg if {
	input.request.break_glass
	input.context.trust_tier < 4
	msg := sprintf("break-glass requires trust tier 4 (this principal has tier %v)", [input.context.trust_tier])
}

# In an emergency a tier-4 principal may take any role, group or not.
grant contains "break-glass by a trust tier 4 principal" if {
	input.request.break_glass
	input.context.trust_tier >= 4
}
