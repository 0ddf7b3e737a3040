# Role classification shared by the eligibility and approval packages.
package jitsudo.lib.roles

# Read-only is a fact someone wrote down, never a guess from the name: "preview-deployer" contains
# "view" and "spreadsheet-deleter" contains "read", and both can change things. A role is read-only
# only when it is named here exactly (case matters), or when jitsudod's role catalog marks it
# `read_only: true` for the provider asked for (see policies/README.md).
read_only_roles := {
	"ReadOnlyAccess", # AWS managed policy
	"ViewOnlyAccess", # AWS managed policy
	"roles/viewer", # GCP basic role
	"Reader", # Azure built-in role
	"view", # Kubernetes default ClusterRole
	"ClusterRole/view", # the same, as the kubernetes provider spells it
	"ReadOnly",
	"viewer",
}

read_only(role) if role in read_only_roles

# data.jitsudo.catalog.read_only_roles is {provider: [role, ...]}, built from the catalog entries
# with `read_only: true`; only the provider of the request being decided counts.
read_only(role) if role in data.jitsudo.catalog.read_only_roles[input.request.provider]
