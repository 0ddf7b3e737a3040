# Role classification shared by the eligibility and approval packages.
package jitsudo.lib.roles

# A role is read-only when its name says so ("ReadOnlyAccess", "roles/viewer", "Reader",
# "view") ...
read_only_markers := {"read", "view"}

# ... and nothing in the name says it can change things ("ReadWrite", "ViewerAdmin").
write_markers := {"write", "admin", "owner", "editor", "full", "power"}

read_only(role) if {
	name := lower(role)
	some marker in read_only_markers
	contains(name, marker)
	not can_write(name)
}

can_write(name) if {
	some marker in write_markers
	contains(name, marker)
}
