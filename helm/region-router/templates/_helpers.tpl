{{/*
Name prefix of every object: the release name, or fullnameOverride. Kept short enough that
"<prefix>-operator-metrics" still fits the 63-character limit of names and labels.
*/}}
{{- define "region-router.fullname" -}}
{{- default .Release.Name .Values.fullnameOverride | trunc 45 | trimSuffix "-" -}}
{{- end -}}

{{- define "region-router.operatorName" -}}
{{- printf "%s-operator" (include "region-router.fullname" .) -}}
{{- end -}}

{{- define "region-router.routerName" -}}
{{- printf "%s-router" (include "region-router.fullname" .) -}}
{{- end -}}

{{/* Labels on every object. */}}
{{- define "region-router.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: region-router
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Selector labels of one component ("operator" or "router"): stable across upgrades. */}}
{{- define "region-router.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* All labels of one component's objects. */}}
{{- define "region-router.componentLabels" -}}
{{ include "region-router.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* image reference: [registry/]repository(@digest|:tag), the tag defaulting to appVersion. */}}
{{- define "region-router.image" -}}
{{- $repo := .image.repository -}}
{{- with .root.Values.imageRegistry }}{{ $repo = printf "%s/%s" (trimSuffix "/" .) $repo }}{{ end -}}
{{- if .image.digest -}}
{{- printf "%s@%s" $repo .image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repo (default .root.Chart.AppVersion .image.tag) -}}
{{- end -}}
{{- end -}}

{{/*
Pod security context: never root, RuntimeDefault seccomp. The ids are optional so that platforms
that assign their own (OpenShift's restricted SCC) can.
*/}}
{{- define "region-router.podSecurityContext" -}}
runAsNonRoot: true
{{- with .Values.securityContext }}
{{- if not (kindIs "invalid" .runAsUser) }}
runAsUser: {{ .runAsUser }}
{{- end }}
{{- if not (kindIs "invalid" .runAsGroup) }}
runAsGroup: {{ .runAsGroup }}
{{- end }}
{{- if not (kindIs "invalid" .fsGroup) }}
fsGroup: {{ .fsGroup }}
{{- end }}
{{- end }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Container security context: the restricted Pod Security Standard, not configurable. */}}
{{- define "region-router.containerSecurityContext" -}}
runAsNonRoot: true
readOnlyRootFilesystem: true
allowPrivilegeEscalation: false
privileged: false
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* The JVM's only writable directory: /tmp (java.io.tmpdir, the embedded server's work dir). */}}
{{- define "region-router.tmpVolume" -}}
- name: tmp
  emptyDir:
    medium: Memory
    sizeLimit: {{ .Values.tmpSizeLimit }}
{{- end -}}

{{- define "region-router.tmpVolumeMount" -}}
- name: tmp
  mountPath: /tmp
{{- end -}}

{{/* Where the trusted CA bundle is mounted, and the file the router and the operator read. */}}
{{- define "region-router.trustedCADir" -}}/etc/region-router/ca{{- end -}}

{{- define "region-router.trustedCAFile" -}}
{{- printf "%s/%s" (include "region-router.trustedCADir" .) .Values.trustedCA.key -}}
{{- end -}}

{{- define "region-router.trustedCAEnabled" -}}
{{- $ca := .Values.trustedCA -}}
{{- if and $ca.configMapName $ca.secretName -}}
{{- fail "trustedCA: set configMapName or secretName, not both" -}}
{{- end -}}
{{- if or $ca.configMapName $ca.secretName }}true{{ end -}}
{{- end -}}

{{/* The trusted CA bundle volume (empty when none is configured). */}}
{{- define "region-router.trustedCAVolume" -}}
{{- $ca := .Values.trustedCA -}}
{{- if $ca.configMapName }}
- name: trusted-ca
  configMap:
    name: {{ $ca.configMapName }}
    items:
      - key: {{ $ca.key }}
        path: {{ $ca.key }}
{{- else if $ca.secretName }}
- name: trusted-ca
  secret:
    secretName: {{ $ca.secretName }}
    items:
      - key: {{ $ca.key }}
        path: {{ $ca.key }}
{{- end }}
{{- end -}}

{{- define "region-router.trustedCAVolumeMount" -}}
{{- if include "region-router.trustedCAEnabled" . }}
- name: trusted-ca
  mountPath: {{ include "region-router.trustedCADir" . }}
  readOnly: true
{{- end }}
{{- end -}}

{{/*
The namespaces the operator watches, comma-separated: operator.watchNamespaces, else the release
namespace; empty when operator.watchAllNamespaces (every namespace, an explicit choice).
*/}}
{{- define "region-router.watchNamespaces" -}}
{{- $op := .Values.operator -}}
{{- if $op.watchAllNamespaces -}}
{{- if $op.watchNamespaces -}}
{{- fail "operator.watchAllNamespaces=true watches every namespace: leave operator.watchNamespaces empty" -}}
{{- end -}}
{{- else if $op.watchNamespaces -}}
{{- join "," (uniq $op.watchNamespaces) -}}
{{- else -}}
{{- .Release.Namespace -}}
{{- end -}}
{{- end -}}

{{/*
The operator's rules in each watched namespace (a Role there, or a ClusterRole when it watches
every namespace): exactly the calls it makes, which RbacMatchesApiCallsIT records.
*/}}
{{- define "region-router.operatorRules" -}}
# the InferenceRegion informer; no writes to the object itself (no finalizers, no spec changes)
- apiGroups: ["inference.regionrouter.dev"]
  resources: ["inferenceregions"]
  verbs: ["list", "watch"]
# report their state: a full status replace with the resourceVersion (PUT /status)
- apiGroups: ["inference.regionrouter.dev"]
  resources: ["inferenceregions/status"]
  verbs: ["update"]
# the routing table: the informer lists and watches the namespace's ConfigMap inference-regions
# (create cannot be limited by name; update after a create that found it, get for its version)
- apiGroups: [""]
  resources: ["configmaps"]
  verbs: ["get", "list", "watch", "create", "update"]
# record transitions as Events on the regions
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create"]
{{- end -}}

{{/* NetworkPolicy "from" clause: the given peers, or anyone when none are given. */}}
{{- define "region-router.networkPolicyFrom" -}}
{{- if . }}
from:
{{ toYaml . | indent 2 }}
{{- end }}
{{- end -}}
