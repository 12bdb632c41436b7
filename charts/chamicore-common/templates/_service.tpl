{{/* The ClusterIP Service in front of the pods, for services that listen (kea-sync does not). */}}
{{- define "chamicore.service" -}}
{{- if .Values.service }}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "chamicore.fullname" . | quote }}
  namespace: {{ .Release.Namespace | quote }}
  labels:
    {{- include "chamicore.labels" . | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    {{- include "chamicore.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ int .Values.service.port }}
      targetPort: http
      protocol: TCP
{{- end }}
{{- end -}}

{{/* The service's own ServiceAccount; its token is never mounted. */}}
{{- define "chamicore.serviceAccount" -}}
{{- if .Values.serviceAccount.create }}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "chamicore.serviceAccountName" . | quote }}
  namespace: {{ .Release.Namespace | quote }}
  labels:
    {{- include "chamicore.labels" . | nindent 4 }}
  {{- with .Values.serviceAccount.annotations }}
  annotations:
    {{- range $key, $value := . }}
    {{ $key | quote }}: {{ $value | quote }}
    {{- end }}
  {{- end }}
automountServiceAccountToken: false
{{- end }}
{{- end -}}

{{/* A PodDisruptionBudget, for a service with 2 or more replicas: a drain keeps the others serving. */}}
{{- define "chamicore.pdb" -}}
{{- if and .Values.pdb.enabled (ge (int .Values.replicaCount) 2) }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "chamicore.fullname" . | quote }}
  namespace: {{ .Release.Namespace | quote }}
  labels:
    {{- include "chamicore.labels" . | nindent 4 }}
spec:
  maxUnavailable: {{ int .Values.pdb.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "chamicore.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end -}}

{{/*
The NetworkPolicy of a service: its port admits only the Chamicore services that call it
(`networkPolicy.allowedCallers`, chart names, of this release), the ingress controller when the
service is routed, and the monitoring namespace when asked; nothing else reaches its pods. A
service without a port (kea-sync) admits nothing. Egress is not restricted: the services call
BMCs, identity providers and the Kea control agent, which only the site knows.
*/}}
{{- define "chamicore.networkPolicy" -}}
{{- if .Values.networkPolicy.enabled }}
{{- $np := .Values.networkPolicy -}}
{{- $release := .Release.Name -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "chamicore.fullname" . | quote }}
  namespace: {{ .Release.Namespace | quote }}
  labels:
    {{- include "chamicore.labels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "chamicore.selectorLabels" . | nindent 6 }}
  policyTypes:
    - Ingress
  {{- $peers := or $np.allowedCallers $np.ingressController.enabled $np.monitoring.enabled }}
  {{- if and .Values.service $peers }}
  ingress:
    - ports:
        - port: http
          protocol: TCP
      from:
        {{- range $np.allowedCallers }}
        - podSelector:
            matchLabels:
              app.kubernetes.io/name: {{ . | quote }}
              app.kubernetes.io/instance: {{ $release | quote }}
        {{- end }}
        {{- range $peer := concat (ternary $np.ingressController.from (list) $np.ingressController.enabled) (ternary $np.monitoring.from (list) $np.monitoring.enabled) }}
        - namespaceSelector:
            {{- toYaml $peer.namespaceSelector | nindent 12 }}
          podSelector:
            {{- toYaml $peer.podSelector | nindent 12 }}
        {{- end }}
  {{- else }}
  ingress: []
  {{- end }}
{{- end }}
{{- end -}}
