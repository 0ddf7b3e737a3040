# Anyone may request a read-only role; whether it needs an approver is the approval policy's call.
package jitsudo.eligibility

import data.jitsudo.lib.roles

grant contains "read-only role" if roles.read_only(input.request.role)
