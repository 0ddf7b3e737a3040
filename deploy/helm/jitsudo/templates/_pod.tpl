{{/* The container's environment: secrets by secretKeyRef only, never a literal. */}}
{{- define "jitsudo.env" -}}
{{- $p := .Values.providers -}}
- name: JITSUDOD_CONFIG
  value: /etc/jitsudo/config/jitsudo.yaml
- name: JITSUDO_HOME
  value: /var/lib/jitsudo
- name: JITSUDOD_DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ required "database.existingSecret is required (the chart bundles no database)" .Values.database.existingSecret }}
      key: {{ .Values.database.urlKey }}
- name: JITSUDOD_ENCRYPTION_KEY
  valueFrom:
    secretKeyRef:
      name: {{ required "encryption.existingSecret is required (every replica needs the same master key)" .Values.encryption.existingSecret }}
      key: {{ .Values.encryption.key }}
{{- if .Values.auth.oidc.webClient.existingSecret }}
- name: JITSUDOD_OIDC_WEB_CLIENT_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ .Values.auth.oidc.webClient.existingSecret }}
      key: {{ .Values.auth.oidc.webClient.secretKey }}
{{- end }}
- name: JITSUDO_HEALTHCHECK_URL
  value: {{ printf "%s://127.0.0.1:%v" (include "jitsudo.scheme" .) .Values.server.port | quote }}
{{- if .Values.tls.probeClientCert.existingSecret }}
- name: JITSUDO_CLIENT_CERT_FILE
  value: /etc/jitsudo/probe-tls/tls.crt
- name: JITSUDO_CLIENT_KEY_FILE
  value: /etc/jitsudo/probe-tls/tls.key
{{- end }}
{{- if and $p.aws.enabled $p.aws.credentials.existingSecret }}
- name: AWS_ACCESS_KEY_ID
  valueFrom:
    secretKeyRef:
      name: {{ $p.aws.credentials.existingSecret }}
      key: {{ $p.aws.credentials.accessKeyIdKey }}
- name: AWS_SECRET_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $p.aws.credentials.existingSecret }}
      key: {{ $p.aws.credentials.secretAccessKeyKey }}
{{- end }}
{{- if $p.aws.enabled }}
- name: AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED
  value: "true"
{{- end }}
{{- if and $p.gcp.enabled $p.gcp.credentials.existingSecret }}
- name: GOOGLE_APPLICATION_CREDENTIALS
  value: {{ printf "/etc/jitsudo/gcp/%s" $p.gcp.credentials.key }}
{{- end }}
{{- if and $p.postgres.enabled $p.postgres.password.existingSecret }}
- name: PGPASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $p.postgres.password.existingSecret }}
      key: {{ $p.postgres.password.key }}
{{- end }}
{{- with .Values.server.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "jitsudo.volumeMounts" -}}
{{- $p := .Values.providers -}}
- name: config
  mountPath: /etc/jitsudo/config
  readOnly: true
- name: home
  mountPath: /var/lib/jitsudo
- name: tmp
  mountPath: /tmp
{{- if .Values.tls.enabled }}
- name: tls
  mountPath: /etc/jitsudo/tls
  readOnly: true
{{- if ne .Values.tls.clientAuth "none" }}
- name: client-ca
  mountPath: /etc/jitsudo/client-ca
  readOnly: true
{{- end }}
{{- if .Values.tls.probeClientCert.existingSecret }}
- name: probe-tls
  mountPath: /etc/jitsudo/probe-tls
  readOnly: true
{{- end }}
{{- end }}
{{- if .Values.policies.existingConfigMap }}
- name: policies
  mountPath: /etc/jitsudo/policies
  readOnly: true
{{- end }}
{{- if .Values.notifications.slack.enabled }}
- name: slack
  mountPath: /etc/jitsudo/slack
  readOnly: true
{{- end }}
{{- range .Values.notifications.webhooks }}
- name: {{ printf "webhook-%s" .name }}
  mountPath: {{ printf "/etc/jitsudo/webhooks/%s" .name }}
  readOnly: true
{{- end }}
{{- if and .Values.metrics.enabled .Values.metrics.bearerToken.existingSecret }}
- name: metrics-token
  mountPath: /etc/jitsudo/metrics
  readOnly: true
{{- end }}
{{- if and $p.gcp.enabled $p.gcp.credentials.existingSecret }}
- name: gcp-credentials
  mountPath: /etc/jitsudo/gcp
  readOnly: true
{{- end }}
{{- if $p.kubernetes.enabled }}
{{- if $p.kubernetes.inCluster.enabled }}
- name: kube-api
  mountPath: /var/run/secrets/jitsudo/kubernetes
  readOnly: true
{{- end }}
{{- range $name, $c := $p.kubernetes.clusters }}
- name: {{ printf "cluster-%s" $name }}
  mountPath: {{ printf "/etc/jitsudo/clusters/%s" $name }}
  readOnly: true
{{- end }}
{{- end }}
{{- with .Values.server.extraVolumeMounts }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Secret volumes are 0440 (decimal 288): readable by the pod's fsGroup, nobody else. */}}
{{- define "jitsudo.volumes" -}}
{{- $p := .Values.providers -}}
- name: config
  {{- if .Values.config.existingSecret }}
  secret:
    secretName: {{ .Values.config.existingSecret }}
    defaultMode: 288
  {{- else }}
  configMap:
    name: {{ include "jitsudo.fullname" . }}
  {{- end }}
# Nothing is written here with PostgreSQL and a configured master key; it exists so that a stray
# write fails loudly in the pod, not on a read-only root.
- name: home
  emptyDir:
    sizeLimit: 64Mi
- name: tmp
  emptyDir:
    medium: Memory
    sizeLimit: 64Mi
{{- if .Values.tls.enabled }}
- name: tls
  secret:
    secretName: {{ required "tls.existingSecret is required when tls.enabled (a kubernetes.io/tls Secret)" .Values.tls.existingSecret }}
    defaultMode: 288
{{- if ne .Values.tls.clientAuth "none" }}
- name: client-ca
  secret:
    secretName: {{ required "tls.clientCA.existingSecret is required when tls.clientAuth is not none" .Values.tls.clientCA.existingSecret }}
    defaultMode: 288
{{- end }}
{{- if .Values.tls.probeClientCert.existingSecret }}
- name: probe-tls
  secret:
    secretName: {{ .Values.tls.probeClientCert.existingSecret }}
    defaultMode: 288
{{- else if and (eq .Values.tls.clientAuth "require") (ne .Values.probes.type "httpGet") }}
{{- fail "tls.clientAuth require: set tls.probeClientCert.existingSecret (the probes must present a client certificate)" }}
{{- end }}
{{- end }}
{{- with .Values.policies.existingConfigMap }}
- name: policies
  configMap:
    name: {{ . }}
{{- end }}
{{- if .Values.notifications.slack.enabled }}
- name: slack
  secret:
    secretName: {{ required "notifications.slack.existingSecret is required" .Values.notifications.slack.existingSecret }}
    defaultMode: 288
    items:
      - key: {{ .Values.notifications.slack.botTokenKey }}
        path: {{ .Values.notifications.slack.botTokenKey }}
      - key: {{ .Values.notifications.slack.signingSecretKey }}
        path: {{ .Values.notifications.slack.signingSecretKey }}
{{- end }}
{{- range .Values.notifications.webhooks }}
- name: {{ printf "webhook-%s" .name }}
  secret:
    secretName: {{ required "notifications.webhooks[].secret.existingSecret is required" .secret.existingSecret }}
    defaultMode: 288
    items:
      - key: {{ .secret.key }}
        path: {{ .secret.key }}
{{- end }}
{{- if and .Values.metrics.enabled .Values.metrics.bearerToken.existingSecret }}
- name: metrics-token
  secret:
    secretName: {{ .Values.metrics.bearerToken.existingSecret }}
    defaultMode: 288
    items:
      - key: {{ .Values.metrics.bearerToken.key }}
        path: {{ .Values.metrics.bearerToken.key }}
{{- end }}
{{- if and $p.gcp.enabled $p.gcp.credentials.existingSecret }}
- name: gcp-credentials
  secret:
    secretName: {{ $p.gcp.credentials.existingSecret }}
    defaultMode: 288
    items:
      - key: {{ $p.gcp.credentials.key }}
        path: {{ $p.gcp.credentials.key }}
{{- end }}
{{- if $p.kubernetes.enabled }}
{{- if $p.kubernetes.inCluster.enabled }}
# The kubernetes provider's own API credentials: a bound token the kubelet rotates (jitsudod
# re-reads token_file every minute) and the cluster CA.
- name: kube-api
  projected:
    defaultMode: 288
    sources:
      - serviceAccountToken:
          path: token
          expirationSeconds: 3600
      - configMap:
          name: kube-root-ca.crt
          items:
            - key: ca.crt
              path: ca.crt
{{- end }}
{{- range $name, $c := $p.kubernetes.clusters }}
- name: {{ printf "cluster-%s" $name }}
  secret:
    secretName: {{ required "providers.kubernetes.clusters.<name>.token.existingSecret is required" $c.token.existingSecret }}
    defaultMode: 288
    items:
      - key: {{ $c.token.key }}
        path: {{ $c.token.key }}
{{- end }}
{{- end }}
{{- with .Values.server.extraVolumes }}
{{ toYaml . }}
{{- end }}
{{- end -}}
