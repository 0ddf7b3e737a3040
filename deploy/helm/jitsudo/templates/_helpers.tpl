{{/*
Names and labels. The chart keeps to a small subset of Helm's template language (ADR 0054) so
test/deploy/helm-chart.test.ts can render it without helm: .Values/.Release/.Chart lookups,
if/else/with/range, define/include, and the functions its renderer implements.
*/}}
{{- define "jitsudo.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "jitsudo.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if eq .Release.Name $name -}}
{{- $name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "jitsudo.selectorLabels" -}}
app.kubernetes.io/name: {{ include "jitsudo.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "jitsudo.labels" -}}
{{ include "jitsudo.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | trunc 63 | trimSuffix "-" }}
{{- end -}}

{{- define "jitsudo.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "jitsudo.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "jitsudo.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* The scheme jitsudod serves on: https unless TLS ends at a proxy in front. */}}
{{- define "jitsudo.scheme" -}}
{{- if .Values.tls.enabled -}}https{{- else -}}http{{- end -}}
{{- end -}}

{{/*
Exec probes run deploy/docker/healthcheck.mjs inside the pod: it dials loopback (allowed by
behind_tls_proxy's trusted list, where the kubelet's node address is not) and presents a client
certificate (which client_auth: require needs and a kubelet HTTP probe cannot send).
*/}}
{{- define "jitsudo.execProbes" -}}
{{- if eq .Values.probes.type "exec" -}}true
{{- else if eq .Values.probes.type "httpGet" -}}
{{- else if .Values.server.behindTlsProxy.enabled -}}true
{{- else if and .Values.tls.enabled (eq .Values.tls.clientAuth "require") -}}true
{{- end -}}
{{- end -}}
