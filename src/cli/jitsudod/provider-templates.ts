/**
 * `jitsudod init --provider <name>`: one commented `providers.<name>` section per built-in provider.
 * Each section is valid YAML as written (one key with its default value, so the config loads) and
 * lists what the provider still needs as commented keys marked REQUIRED: `jitsudod serve` refuses
 * to start until they are set, naming the key. docs/providers.md has the rest.
 * The names must be those of src/providers/index.ts (a test holds them together; importing that
 * file here would load every cloud SDK for `init`).
 */
export const PROVIDER_TEMPLATES: Readonly<Record<string, string>> = {
  mock: `  # Fake credentials for trying jitsudo; never in production.
  mock: {}
`,
  aws: `  # AWS. jitsudod's own identity comes from the SDK's default chain (env, IRSA, instance role).
  # sts_assume_role: a grant is a session of role_arn_template (scope = account id), and jitsudod
  # needs sts:AssumeRole on those roles plus iam:PutRolePolicy to revoke early.
  # identity_center: a permission-set assignment; needs the identity_center block below.
  aws:
    mode: sts_assume_role
    region: us-east-1
    role_arn_template: "arn:aws:iam::{scope}:role/{role}"
    # admin_role_arn_template: "arn:aws:iam::{scope}:role/jitsudod-revoker"   # roles in other accounts
    # identity_center:                     # REQUIRED with mode: identity_center
    #   instance_arn: "arn:aws:sso:::instance/ssoins-…"
    #   identity_store_id: "d-…"
`,
  azure: `  # Azure RBAC role assignments (scope = a subscription, resource group or resource id).
  # jitsudod signs in as an app registration with Microsoft.Authorization/roleAssignments write/delete.
  azure:
    authority_host: https://login.microsoftonline.com
    # tenant_id: "<tenant id>"                          # REQUIRED
    # client_id: "<app registration GUID>"              # REQUIRED
    # client_secret: "<secret>"                         # REQUIRED: this or federated_token_file
    # federated_token_file: /var/run/secrets/azure/tokens/azure-identity-token
`,
  gcp: `  # Google Cloud IAM: a conditional (time-bound) binding on the project (scope = project id).
  # jitsudod's identity: Application Default Credentials with resourcemanager.projects.getIamPolicy
  # and setIamPolicy on those projects. Nothing else is required.
  gcp:
    condition_title_prefix: jitsudo
`,
  kubernetes: `  # Kubernetes RBAC: a RoleBinding (scope = cluster/namespace) or ClusterRoleBinding.
  # jitsudod needs create/get/delete on (cluster)rolebindings and "bind" on the roles it grants.
  kubernetes:
    managed_label: jitsudo.dev/managed
    # clusters:                            # REQUIRED: at least one
    #   prod:
    #     server: https://k8s.example.com:6443
    #     token_file: /var/run/secrets/kubernetes.io/serviceaccount/token   # or token:
    #     ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
    #     # or instead of server/token: kubeconfig: ~/.kube/config, context: prod
    # default_cluster: prod
`,
  postgres: `  # PostgreSQL roles: a temporary login role per grant (or GRANT to the user's own role).
  postgres:
    mode: temporary_login
    # url: "postgres://jitsudo_admin@db.example.com:5432/postgres"   # REQUIRED: a role with CREATEROLE and pg_signal_backend
    # allowed_roles: [app_readonly, app_readwrite]                   # empty: any role without superuser-like attributes
`,
};

export const PROVIDER_NAMES = Object.keys(PROVIDER_TEMPLATES);
