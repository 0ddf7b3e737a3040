# AI agents asking for a role that can change things go to the AI reviewer: never approved
# automatically (the cap), and not queued for a human first (the route). A human reviewer can
# still be reached through the AI reviewer's escalation.
package jitsudo.approval

import data.jitsudo.lib.roles

agent_write if {
	input.user.kind == "agent"
	not roles.read_only(input.request.role)
}

route contains "ai_review" if agent_write

cap contains "ai_review" if agent_write
