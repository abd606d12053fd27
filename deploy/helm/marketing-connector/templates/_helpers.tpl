{{- define "mc.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "mc.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else if contains (include "mc.name" .) .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "mc.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "mc.selectorLabels" -}}
app.kubernetes.io/name: {{ include "mc.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* The serving pods only: the registration Job's pods must never receive traffic. */}}
{{- define "mc.bridgeSelectorLabels" -}}
{{ include "mc.selectorLabels" . }}
app.kubernetes.io/component: bridge
{{- end }}

{{- define "mc.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "mc.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "mc.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "mc.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "mc.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* The Secret with the four credentials: the user's own, or the one this chart creates. */}}
{{- define "mc.credentialsSecret" -}}
{{- default (include "mc.fullname" .) .Values.credentials.existingSecret }}
{{- end }}

{{- define "mc.secretEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .secret }}
      key: {{ .name }}
{{- end }}

{{/* Environment shared by the bridge and the registration job. Secrets only by reference. */}}
{{- define "mc.env" -}}
{{- $c := .Values.connector -}}
{{- if not (has $c.events.format (list "cloudevents" "kyma-v1")) }}
{{- fail (printf "connector.events.format must be cloudevents or kyma-v1, not %q" $c.events.format) }}
{{- end }}
{{- if not (has $c.logFormat (list "text" "json")) }}
{{- fail (printf "connector.logFormat must be text or json, not %q" $c.logFormat) }}
{{- end -}}
- name: SYSTEM_URL
  value: {{ required "connector.systemUrl is required" $c.systemUrl | quote }}
- name: APPLICATION_NAME
  value: {{ required "connector.applicationName is required" $c.applicationName | quote }}
- name: CLUSTER_DOMAIN
  value: {{ required "connector.clusterDomain is required" $c.clusterDomain | quote }}
{{- $secret := include "mc.credentialsSecret" . }}
{{- range list "BASIC_USER" "BASIC_PASSWORD" "OAUTH_CLIENT_ID" "OAUTH_CLIENT_SECRET" }}
{{ include "mc.secretEnv" (dict "name" . "secret" $secret) }}
{{- end }}
{{ include "mc.secretEnv" (dict "name" "TOKEN_SIGNING_KEY" "secret" (include "mc.fullname" .)) }}
{{- with $c.registryUrl }}
- name: REGISTRY_URL
  value: {{ . | quote }}
{{- end }}
- name: EVENTS_FORMAT
  value: {{ $c.events.format | quote }}
{{- with $c.events.url }}
- name: EVENTS_URL
  value: {{ . | quote }}
{{- end }}
- name: ASYNCAPI_URL
  value: {{ printf "http://%s.%s.svc.cluster.local:%v/asyncapi.json" (include "mc.fullname" .) .Release.Namespace $c.httpPort | quote }}
- name: HTTP_PORT
  value: {{ $c.httpPort | quote }}
{{- with $c.mqttTcpPort }}
- name: MQTT_TCP_PORT
  value: {{ . | quote }}
{{- end }}
{{- with $c.statusPort }}
- name: STATUS_PORT
  value: {{ . | quote }}
{{- end }}
- name: LOG_LEVEL
  value: {{ $c.logLevel | quote }}
- name: LOG_FORMAT
  value: {{ $c.logFormat | quote }}
{{- with $c.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "mc.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
fsGroup: 65532
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "mc.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
{{- end }}

{{/* The spool's settings, for the bridge's container only. */}}
{{- define "mc.spoolEnv" -}}
{{- $s := .Values.spool -}}
{{- if not (has $s.mode (list "none" "disk" "jetstream")) }}
{{- fail (printf "spool.mode must be none, disk or jetstream, not %q" $s.mode) }}
{{- end -}}
- name: SPOOL
  value: {{ $s.mode | quote }}
{{- if ne $s.mode "none" }}
- name: SPOOL_MAX_BYTES
  value: {{ $s.maxBytes | quote }}
- name: SPOOL_DEAD_LETTER_MAX_BYTES
  value: {{ $s.deadLetterMaxBytes | quote }}
{{- end }}
{{- if eq $s.mode "disk" }}
- name: SPOOL_DIR
  value: {{ printf "%s/spool" $s.disk.mountPath | quote }}
{{- end }}
{{- if eq $s.mode "jetstream" }}
- name: NATS_URL
  value: {{ required "spool.jetstream.url is required with spool.mode=jetstream" $s.jetstream.url | quote }}
- name: NATS_STREAM
  value: {{ $s.jetstream.stream | quote }}
- name: NATS_REPLICAS
  value: {{ $s.jetstream.replicas | quote }}
- name: NATS_ACK_WAIT
  value: {{ $s.jetstream.ackWait | quote }}
{{- with $s.jetstream.credentialsSecret }}
{{- range list "NATS_USER" "NATS_PASSWORD" "NATS_TOKEN" }}
- name: {{ . }}
  valueFrom:
    secretKeyRef:
      name: {{ $s.jetstream.credentialsSecret }}
      key: {{ . }}
      optional: true
{{- end }}
{{- if $s.jetstream.credentialsFileKey }}
- name: NATS_CREDENTIALS
  value: {{ printf "/etc/marketing-connector/nats/%s" $s.jetstream.credentialsFileKey | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
