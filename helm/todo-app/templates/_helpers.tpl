{{/* The chart name, overridable. */}}
{{- define "todo-app.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The release-qualified name every object is named after. */}}
{{- define "todo-app.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "todo-app.api.fullname" -}}
{{- printf "%s-api" (include "todo-app.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "todo-app.mcp.fullname" -}}
{{- printf "%s-mcp" (include "todo-app.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "todo-app.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "todo-app.labels" -}}
helm.sh/chart: {{ include "todo-app.chart" . }}
app.kubernetes.io/name: {{ include "todo-app.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: todo
{{- end -}}

{{/* Selector labels of one component (api, mcp, migrate). */}}
{{- define "todo-app.selectorLabels" -}}
app.kubernetes.io/name: {{ include "todo-app.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "todo-app.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "todo-app.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The Secret holding database-url, jwt-secret and token. */}}
{{- define "todo-app.secretName" -}}
{{- if .Values.secrets.create -}}
{{- printf "%s-secrets" (include "todo-app.fullname" .) -}}
{{- else -}}
{{- required "secrets.existingSecret is required unless secrets.create is true" .Values.secrets.existingSecret -}}
{{- end -}}
{{- end -}}

{{/* repository@digest when a digest is set (what CD deploys), else repository:tag. */}}
{{- define "todo-app.image" -}}
{{- if .image.digest -}}
{{- printf "%s@%s" .image.repository .image.digest -}}
{{- else -}}
{{- printf "%s:%s" .image.repository (default .appVersion .image.tag) -}}
{{- end -}}
{{- end -}}

{{- define "todo-app.api.image" -}}
{{- include "todo-app.image" (dict "image" .Values.api.image "appVersion" .Chart.AppVersion) -}}
{{- end -}}

{{- define "todo-app.mcp.image" -}}
{{- include "todo-app.image" (dict "image" .Values.mcp.image "appVersion" .Chart.AppVersion) -}}
{{- end -}}

{{/* The Secret (key `token`) with the app's token for the sidecar's API; empty: none. */}}
{{- define "todo-app.daprApiTokenSecret" -}}
{{- if and .Values.secrets.create .Values.secrets.daprApiToken -}}
{{- printf "%s-dapr-api-token" (include "todo-app.fullname" .) -}}
{{- else -}}
{{- .Values.dapr.apiTokenSecret -}}
{{- end -}}
{{- end -}}

{{/* Seconds from SIGTERM until the API process has exited at the latest. */}}
{{- define "todo-app.api.shutdownSeconds" -}}
{{- add .Values.api.shutdown.drainSeconds .Values.api.shutdown.graceSeconds -}}
{{- end -}}

{{/* Only when the cluster serves the Prometheus Operator's API (or it is simulated in
     `helm template --api-versions monitoring.coreos.com/v1`). */}}
{{- define "todo-app.hasPrometheusOperator" -}}
{{- if .Capabilities.APIVersions.Has "monitoring.coreos.com/v1" -}}true{{- end -}}
{{- end -}}

{{/* The API inside the cluster, for the MCP server and the smoke check. */}}
{{- define "todo-app.api.internalUrl" -}}
{{- printf "http://%s.%s.svc:%v" (include "todo-app.api.fullname" .) .Release.Namespace .Values.service.port -}}
{{- end -}}

{{/* Spreads a component's pods across nodes and zones. */}}
{{- define "todo-app.topologySpread" -}}
{{- if .root.Values.topologySpread.enabled }}
topologySpreadConstraints:
  - maxSkew: {{ .root.Values.topologySpread.maxSkew }}
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: {{ .root.Values.topologySpread.whenUnsatisfiable }}
    labelSelector:
      matchLabels:
        {{- include "todo-app.selectorLabels" . | nindent 8 }}
  - maxSkew: {{ .root.Values.topologySpread.maxSkew }}
    topologyKey: topology.kubernetes.io/zone
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "todo-app.selectorLabels" . | nindent 8 }}
{{- end }}
{{- end -}}

{{/* Environment shared by the API and the migration job. */}}
{{- define "todo-app.databaseEnv" -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "todo-app.secretName" . }}
      key: database-url
- name: TODO_DATA_DIR
  value: /tmp/todo-data
- name: LOG_FORMAT
  value: {{ .Values.api.logFormat | quote }}
- name: RUST_LOG
  value: {{ .Values.api.rustLog | quote }}
{{- end -}}

{{/* Egress every component needs: DNS, the Dapr control plane, and the listed ports
     (networkPolicy.egress: database, broker, collector, https). */}}
{{- define "todo-app.egressRules" -}}
- to:
    - namespaceSelector: {}
      podSelector:
        matchLabels:
          k8s-app: kube-dns
  ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
{{- if .Values.dapr.enabled }}
- to:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: {{ .Values.networkPolicy.daprNamespace }}
{{- end }}
{{- $egress := .Values.networkPolicy.egress }}
- ports:
    {{- range concat $egress.databasePorts $egress.brokerPorts $egress.otherPorts | uniq }}
    - port: {{ . }}
      protocol: TCP
    {{- end }}
{{- end -}}

{{/* Combinations the schema cannot express; rendering fails with the reason. */}}
{{- define "todo-app.validate" -}}
{{- $a := .Values.api -}}
{{- if and $a.autoscaling.enabled (gt (int $a.autoscaling.minReplicas) (int $a.autoscaling.maxReplicas)) -}}
{{- fail "api.autoscaling.minReplicas must not exceed maxReplicas" -}}
{{- end -}}
{{- $replicas := ternary $a.autoscaling.minReplicas $a.replicaCount $a.autoscaling.enabled -}}
{{- if and $a.pdb.enabled (ge (int $a.pdb.minAvailable) (int $replicas)) -}}
{{- fail "api.pdb.minAvailable must be below the (minimum) replica count, or no node could ever be drained" -}}
{{- end -}}
{{- $ports := list (int $a.port) (int $a.metricsPort) (int .Values.dapr.appPort) -}}
{{- if ne (len (uniq $ports)) 3 -}}
{{- fail "api.port, api.metricsPort and dapr.appPort must differ" -}}
{{- end -}}
{{- if has (int .Values.dapr.appPort) (list 3500 3501 9090 50001 50002) -}}
{{- fail "dapr.appPort collides with a port of the Dapr sidecar" -}}
{{- end -}}
{{- if and .Values.secrets.create .Values.secrets.daprApiToken .Values.dapr.apiTokenSecret -}}
{{- fail "set dapr.apiTokenSecret or secrets.daprApiToken (with secrets.create), not both" -}}
{{- end -}}
{{- if and .Values.dapr.tracing.enabled (not .Values.dapr.tracing.otlpEndpoint) -}}
{{- fail "dapr.tracing.otlpEndpoint is required when dapr.tracing.enabled" -}}
{{- end -}}
{{- end -}}

{{/*
The MCP server's URL as agents reach it: api.mcpPublicUrl, else the ingress's host and
path when both the ingress and the MCP server are on; empty otherwise (the API then
keeps its own default).
*/}}
{{/*
Where people reach the web UI (links in reminder emails and push notifications):
api.publicUrl, else the ingress's host when the ingress is on; empty otherwise.
*/}}
{{- define "todo-app.publicUrl" -}}
{{- if .Values.api.publicUrl -}}
{{- .Values.api.publicUrl -}}
{{- else if .Values.ingress.enabled -}}
{{- printf "%s://%s" (ternary "https" "http" .Values.ingress.tls.enabled) .Values.ingress.host -}}
{{- end -}}
{{- end -}}

{{- define "todo-app.mcpPublicUrl" -}}
{{- if .Values.api.mcpPublicUrl -}}
{{- .Values.api.mcpPublicUrl -}}
{{- else if and .Values.ingress.enabled .Values.mcp.enabled -}}
{{- printf "%s://%s%s" (ternary "https" "http" .Values.ingress.tls.enabled) .Values.ingress.host .Values.ingress.mcpPath -}}
{{- end -}}
{{- end -}}
