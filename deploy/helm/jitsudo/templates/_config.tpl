{{/*
jitsudo.yaml. No secret is written here: the database URL, master key and OIDC web client secret
come from env (secretKeyRef), every other secret from a file mounted from a Secret.
*/}}
{{- define "jitsudo.config" -}}
mode: production
http:
  addr: {{ printf "0.0.0.0:%v" .Values.server.port | quote }}
  {{- if .Values.server.behindTlsProxy.enabled }}
  {{- if not .Values.server.behindTlsProxy.trustedProxies }}
  {{- fail "server.behindTlsProxy.trustedProxies must list the proxy's addresses" }}
  {{- end }}
  behind_tls_proxy: true
  trusted_proxies:
    {{- toYaml .Values.server.behindTlsProxy.trustedProxies | nindent 4 }}
  {{- end }}
  {{- with .Values.server.publicUrl }}
  public_url: {{ . | quote }}
  {{- end }}
{{- if .Values.tls.enabled }}
tls:
  cert_file: /etc/jitsudo/tls/tls.crt
  key_file: /etc/jitsudo/tls/tls.key
  client_auth: {{ .Values.tls.clientAuth }}
  {{- if ne .Values.tls.clientAuth "none" }}
  client_ca_file: {{ printf "/etc/jitsudo/client-ca/%s" .Values.tls.clientCA.key }}
  {{- end }}
  {{- if .Values.tls.clientIdentity.enabled }}
  client_identity:
    enabled: true
    allowed_prefixes:
      {{- toYaml .Values.tls.clientIdentity.allowedPrefixes | nindent 6 }}
  {{- end }}
{{- end }}
database:
  pool_size: {{ .Values.database.poolSize }}
auth:
  mode: oidc
  admin_group: {{ .Values.auth.adminGroup | quote }}
  {{- with .Values.auth.adminEmails }}
  admin_emails:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  oidc:
    issuer: {{ required "auth.oidc.issuer is required" .Values.auth.oidc.issuer | quote }}
    audience: {{ required "auth.oidc.audience is required" .Values.auth.oidc.audience | quote }}
    {{- with .Values.auth.oidc.clientId }}
    client_id: {{ . | quote }}
    {{- end }}
    groups_claim: {{ .Values.auth.oidc.groupsClaim | quote }}
    {{- with .Values.auth.oidc.requiredScopes }}
    required_scopes:
      {{- toYaml . | nindent 6 }}
    {{- end }}
    {{- with .Values.auth.oidc.webClient.clientId }}
    web_client_id: {{ . | quote }}
    {{- end }}
{{- if .Values.policies.existingConfigMap }}
policy:
  dir: /etc/jitsudo/policies
{{- end }}
log:
  level: {{ .Values.server.logLevel }}
providers:
  {{- include "jitsudo.providersConfig" . | nindent 2 }}
{{- if or .Values.notifications.slack.enabled .Values.notifications.webhooks }}
notifications:
  {{- if .Values.notifications.slack.enabled }}
  slack:
    token_file: {{ printf "/etc/jitsudo/slack/%s" .Values.notifications.slack.botTokenKey }}
    signing_secret_file: {{ printf "/etc/jitsudo/slack/%s" .Values.notifications.slack.signingSecretKey }}
    {{- with .Values.notifications.slack.channels }}
    channels:
      {{- toYaml . | nindent 6 }}
    {{- end }}
  {{- end }}
  {{- with .Values.notifications.webhooks }}
  webhooks:
    {{- range . }}
    - name: {{ .name | quote }}
      url: {{ required "notifications.webhooks[].url is required" .url | quote }}
      {{- with .events }}
      events:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      secret_files:
        - {{ printf "/etc/jitsudo/webhooks/%s/%s" .name .secret.key }}
    {{- end }}
  {{- end }}
{{- end }}
{{- if .Values.metrics.enabled }}
metrics:
  enabled: true
  addr: {{ printf "0.0.0.0:%v" .Values.metrics.port | quote }}
  {{- if .Values.metrics.bearerToken.existingSecret }}
  bearer_token_file: {{ printf "/etc/jitsudo/metrics/%s" .Values.metrics.bearerToken.key }}
  {{- else }}
  allow_unauthenticated: true
  {{- end }}
{{- end }}
{{- with .Values.extraConfig }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "jitsudo.providersConfig" -}}
{{- $p := .Values.providers -}}
{{- if not (or $p.aws.enabled $p.azure.enabled $p.gcp.enabled $p.kubernetes.enabled $p.postgres.enabled) -}}
{}
{{- end }}
{{- if $p.aws.enabled }}
aws:
  {{- if $p.aws.config }}
  {{- toYaml $p.aws.config | nindent 2 }}
  {{- else }} {}
  {{- end }}
{{- end }}
{{- if $p.azure.enabled }}
azure:
  {{- with $p.azure.config }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
  {{- if $p.azure.workloadIdentity }}
  federated_token_file: /var/run/secrets/azure/tokens/azure-identity-token
  {{- end }}
{{- end }}
{{- if $p.gcp.enabled }}
gcp:
  {{- if $p.gcp.config }}
  {{- toYaml $p.gcp.config | nindent 2 }}
  {{- else }} {}
  {{- end }}
{{- end }}
{{- if $p.kubernetes.enabled }}
kubernetes:
  clusters:
    {{- if $p.kubernetes.inCluster.enabled }}
    {{ $p.kubernetes.inCluster.name }}:
      server: https://kubernetes.default.svc
      token_file: /var/run/secrets/jitsudo/kubernetes/token
      ca_file: /var/run/secrets/jitsudo/kubernetes/ca.crt
      issue_tokens: {{ $p.kubernetes.inCluster.issueTokens }}
      token_namespace: {{ $p.kubernetes.inCluster.tokenNamespace }}
      {{- with $p.kubernetes.inCluster.userServer }}
      user_server: {{ . | quote }}
      {{- end }}
    {{- end }}
    {{- range $name, $c := $p.kubernetes.clusters }}
    {{ $name }}:
      server: {{ required "providers.kubernetes.clusters.<name>.server is required" $c.server | quote }}
      token_file: {{ printf "/etc/jitsudo/clusters/%s/%s" $name $c.token.key }}
      {{- with $c.caData }}
      ca_data: {{ . | quote }}
      {{- end }}
      {{- with $c.userServer }}
      user_server: {{ . | quote }}
      {{- end }}
      issue_tokens: {{ default false $c.issueTokens }}
      {{- with $c.tokenNamespace }}
      token_namespace: {{ . }}
      {{- end }}
    {{- end }}
  {{- with $p.kubernetes.defaultCluster }}
  default_cluster: {{ . }}
  {{- end }}
{{- end }}
{{- if $p.postgres.enabled }}
postgres:
  {{- toYaml (required "providers.postgres.config (with url) is required" $p.postgres.config) | nindent 2 }}
{{- end }}
{{- end -}}
