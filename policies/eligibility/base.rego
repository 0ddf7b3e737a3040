# Eligibility: may this principal request this role at all?
#
# Other files in this package add to two sets:
#   grant contains "<why it is allowed>"     -- at least one grant is needed
#   deny  contains "<why it is not allowed>" -- any deny wins over every grant
# so a new rule is a new file; nothing here has to change.
package jitsudo.eligibility

# The longest grant anyone may ask for (4 h).
max_duration_seconds := 14400

default allow := false

allow if {
	count(grant) > 0
	count(deny) == 0
}

deny contains msg if {
	count(grant) == 0
	msg := sprintf("no eligibility rule grants role %s to %s", [input.request.role, input.user.email])
}

deny contains msg if {
	input.request.duration_seconds > max_duration_seconds
	msg := sprintf(
		"requested duration %vs exceeds the maximum of %vs (4 h)",
		[input.request.duration_seconds, max_duration_seconds],
	)
}

# The broker shows `reason`: every denial, or what granted the request.
reason := concat("; ", sort(deny)) if count(deny) > 0

reason := concat("; ", sort(grant)) if {
	count(deny) == 0
	count(grant) > 0
}
