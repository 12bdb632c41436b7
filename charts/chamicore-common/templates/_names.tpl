{{/*
Names and labels of a Chamicore service chart. Every object of a service is named after the
service (`fullnameOverride`, default the chart name, such as `chamicore-smd`): that name is the
in-cluster host every other service's URL uses, so it is not prefixed with the release name.
*/}}

{{/* The name of every object of the service, at most 63 characters. */}}
{{- define "chamicore.fullname" -}}
{{- default .Chart.Name .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The service id (`smd` for chamicore-smd): the app.kubernetes.io/component label. */}}
{{- define "chamicore.component" -}}
{{- trimPrefix "chamicore-" .Chart.Name -}}
{{- end -}}

{{/* Labels that select the service's pods; they never change over the release's life. */}}
{{- define "chamicore.selectorLabels" -}}
app.kubernetes.io/name: {{ include "chamicore.fullname" . | quote }}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
{{- end -}}

{{/* Labels of every object. */}}
{{- define "chamicore.labels" -}}
{{ include "chamicore.selectorLabels" . }}
app.kubernetes.io/component: {{ include "chamicore.component" . | quote }}
app.kubernetes.io/part-of: chamicore
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" | quote }}
{{- end -}}

{{/* The ServiceAccount the pods run as. */}}
{{- define "chamicore.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "chamicore.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/*
The image, `<registry>/<repository>:<tag>`; the tag defaults to v<appVersion>. A digest
(`sha256:…`) pins it by content instead: `<registry>/<repository>@<digest>`, as the Bitnami and NATS
charts render theirs.
*/}}
{{- define "chamicore.image" -}}
{{- $tag := default (printf "v%s" .Chart.AppVersion) .Values.image.tag -}}
{{- $name := .Values.image.repository -}}
{{- if .Values.image.registry -}}
{{- $name = printf "%s/%s" .Values.image.registry .Values.image.repository -}}
{{- end -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" $name .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" $name $tag -}}
{{- end -}}
{{- end -}}
