{{/*
A chamicore service as the values contract describes it: a ConfigMap with the plain environment,
a Deployment running the image with that environment and the Secret references, and a Service
(unless the service is headless). Every `$` in a plain value is written `$$`, so Kubernetes does
not expand `$(VAR)` and the container sees the value exactly as values.yaml states it.
*/}}
{{- define "conformance.labels" -}}
app.kubernetes.io/name: {{ .Values.fullnameOverride | quote }}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
app.kubernetes.io/part-of: chamicore
{{- end -}}

{{- define "conformance.service" -}}
{{- $name := .Values.fullnameOverride -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ printf "%s-env" $name | quote }}
  namespace: {{ .Release.Namespace | quote }}
  labels:
    {{- include "conformance.labels" . | nindent 4 }}
data:
  {{- range $key, $value := .Values.env }}
  {{ $key | quote }}: {{ $value | quote }}
  {{- end }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $name | quote }}
  namespace: {{ .Release.Namespace | quote }}
  labels:
    {{- include "conformance.labels" . | nindent 4 }}
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels:
      app.kubernetes.io/name: {{ $name | quote }}
      app.kubernetes.io/instance: {{ .Release.Name | quote }}
  template:
    metadata:
      labels:
        {{- include "conformance.labels" . | nindent 8 }}
      annotations:
        checksum/env: {{ toJson .Values.env | sha256sum | quote }}
        {{- range $key, $value := .Values.podAnnotations }}
        {{ $key | quote }}: {{ $value | quote }}
        {{- end }}
    spec:
      {{- with .Values.global.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ .Chart.Name | quote }}
          image: {{ printf "%s/%s:%s" .Values.image.registry .Values.image.repository .Values.image.tag | quote }}
          imagePullPolicy: {{ .Values.image.pullPolicy | quote }}
          {{- if .Values.transport }}
          args:
            - {{ printf "--transport=%s" .Values.transport | quote }}
            - {{ printf "--mode=%s" .Values.mode | quote }}
          {{- end }}
          {{- if .Values.service }}
          ports:
            - name: http
              containerPort: {{ .Values.service.port }}
              protocol: TCP
          {{- end }}
          env:
            {{- range $key, $value := .Values.env }}
            - name: {{ $key | quote }}
              value: {{ $value | replace "$" "$$" | quote }}
            {{- end }}
            {{- range $key, $ref := .Values.secretEnv }}
            - name: {{ $key | quote }}
              valueFrom:
                secretKeyRef:
                  name: {{ $ref.existingSecret | quote }}
                  key: {{ $ref.key | quote }}
            {{- end }}
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
{{- if .Values.service }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ $name | quote }}
  namespace: {{ .Release.Namespace | quote }}
  labels:
    {{- include "conformance.labels" . | nindent 4 }}
spec:
  selector:
    app.kubernetes.io/name: {{ $name | quote }}
    app.kubernetes.io/instance: {{ .Release.Name | quote }}
  ports:
    - name: http
      port: {{ .Values.service.port }}
      targetPort: http
      protocol: TCP
{{- end }}
{{- end -}}
