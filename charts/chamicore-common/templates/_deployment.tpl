{{/*
The Deployment of a Chamicore service. Call it with
  (dict "context" $ "defaultEnv" (dict "NAME" "value"))
where defaultEnv holds variables the chart derives from its own values; `env` wins over them.

Every pod is hardened for Pod Security "restricted", and that is not configurable: the images are
distroless and run as uid/gid 65534; no privilege escalation, every capability dropped, the
RuntimeDefault seccomp profile, a read-only root file system with an emptyDir at /tmp, and no
ServiceAccount token mounted (no service calls the Kubernetes API).

Every `$` of a plain value is written `$$`, so Kubernetes does not expand `$(VAR)` and the
container sees the value exactly as values.yaml states it.
*/}}
{{- define "chamicore.deployment" -}}
{{- $ := .context -}}
{{- $values := $.Values -}}
{{- $env := mustMerge (deepCopy ($values.env | default dict)) (.defaultEnv | default dict) -}}
{{- $port := "" -}}
{{- if $values.service -}}{{- $port = $values.service.port -}}{{- end -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "chamicore.fullname" $ | quote }}
  namespace: {{ $.Release.Namespace | quote }}
  labels:
    {{- include "chamicore.labels" $ | nindent 4 }}
spec:
  replicas: {{ int $values.replicaCount }}
  revisionHistoryLimit: {{ int $values.revisionHistoryLimit }}
  selector:
    matchLabels:
      {{- include "chamicore.selectorLabels" $ | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "chamicore.labels" $ | nindent 8 }}
        {{- range $key, $value := $values.podLabels }}
        {{ $key | quote }}: {{ $value | quote }}
        {{- end }}
      {{- with $values.podAnnotations }}
      annotations:
        {{- range $key, $value := . }}
        {{ $key | quote }}: {{ $value | quote }}
        {{- end }}
      {{- end }}
    spec:
      serviceAccountName: {{ include "chamicore.serviceAccountName" $ | quote }}
      automountServiceAccountToken: false
      enableServiceLinks: false
      {{- $pullSecrets := concat (($values.global | default dict).imagePullSecrets | default list) ($values.imagePullSecrets | default list) }}
      {{- with $pullSecrets }}
      imagePullSecrets:
        {{- range . }}
        - name: {{ .name | quote }}
        {{- end }}
      {{- end }}
      {{- with $values.priorityClassName }}
      priorityClassName: {{ . | quote }}
      {{- end }}
      {{- with $values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $values.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- if $values.topologySpread.enabled }}
      topologySpreadConstraints:
        - maxSkew: {{ int $values.topologySpread.maxSkew }}
          topologyKey: {{ $values.topologySpread.topologyKey | quote }}
          whenUnsatisfiable: {{ $values.topologySpread.whenUnsatisfiable | quote }}
          labelSelector:
            matchLabels:
              {{- include "chamicore.selectorLabels" $ | nindent 14 }}
      {{- end }}
      securityContext:
        runAsNonRoot: true
        runAsUser: 65534
        runAsGroup: 65534
        fsGroup: 65534
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: {{ include "chamicore.component" $ | quote }}
          image: {{ include "chamicore.image" $ | quote }}
          imagePullPolicy: {{ $values.image.pullPolicy | quote }}
          securityContext:
            runAsNonRoot: true
            runAsUser: 65534
            runAsGroup: 65534
            allowPrivilegeEscalation: false
            privileged: false
            readOnlyRootFilesystem: true
            capabilities:
              drop:
                - ALL
            seccompProfile:
              type: RuntimeDefault
          {{- if $port }}
          ports:
            - name: http
              containerPort: {{ int $port }}
              protocol: TCP
          {{- end }}
          {{- if or $env $values.secretEnv }}
          env:
            {{- range $key, $value := $env }}
            - name: {{ $key | quote }}
              value: {{ toString $value | replace "$" "$$" | quote }}
            {{- end }}
            {{- range $key, $ref := $values.secretEnv }}
            - name: {{ $key | quote }}
              valueFrom:
                secretKeyRef:
                  name: {{ $ref.existingSecret | quote }}
                  key: {{ $ref.key | quote }}
            {{- end }}
          {{- end }}
          {{- if $port }}
          {{- with $values.probes }}
          {{- if .startup.enabled }}
          startupProbe:
            httpGet:
              path: /health
              port: http
            {{- include "chamicore.probeTimings" .startup | nindent 12 }}
          {{- end }}
          {{- if .readiness.enabled }}
          readinessProbe:
            httpGet:
              path: /readiness
              port: http
            {{- include "chamicore.probeTimings" .readiness | nindent 12 }}
          {{- end }}
          {{- if .liveness.enabled }}
          livenessProbe:
            httpGet:
              path: /health
              port: http
            {{- include "chamicore.probeTimings" .liveness | nindent 12 }}
          {{- end }}
          {{- end }}
          {{- end }}
          resources:
            {{- toYaml $values.resources | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: {{ $values.tmpSize | quote }}
{{- end -}}

{{/* A probe's timings. */}}
{{- define "chamicore.probeTimings" -}}
initialDelaySeconds: {{ int .initialDelaySeconds }}
periodSeconds: {{ int .periodSeconds }}
timeoutSeconds: {{ int .timeoutSeconds }}
successThreshold: 1
failureThreshold: {{ int .failureThreshold }}
{{- end -}}
