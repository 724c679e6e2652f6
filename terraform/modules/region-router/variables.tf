variable "release_name" {
  description = "Helm release name; also the name prefix of every object (the router Service is <release_name>-router)."
  type        = string
  default     = "region-router"

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", var.release_name)) && length(var.release_name) <= 45
    error_message = "release_name must be a lowercase DNS label of at most 45 characters."
  }
}

variable "namespace" {
  description = "Namespace of the release: the operator, the router and the regions declared here live in it."
  type        = string
  default     = "region-router"

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", var.namespace)) && length(var.namespace) <= 63
    error_message = "namespace must be a lowercase DNS label (at most 63 characters)."
  }
}

variable "create_namespace" {
  description = "Create the namespace if it does not exist."
  type        = bool
  default     = true
}

variable "chart" {
  description = "The chart: a local path to helm/region-router in a checkout (for example \"$${path.root}/../../helm/region-router\"), or, with chart_repository set, the chart's name in that repository (region-router)."
  type        = string
}

variable "chart_repository" {
  description = "Helm repository URL (https:// or oci://) to take the chart from; null installs from the local path in chart."
  type        = string
  default     = null

  validation {
    condition     = var.chart_repository == null || can(regex("^(https?|oci)://", var.chart_repository))
    error_message = "chart_repository must be an https://, http:// or oci:// URL, or null."
  }
}

variable "chart_version" {
  description = "Chart version to install from chart_repository (ignored for a local path): the project's version, the same as the chart's and the images'."
  type        = string
  default     = "0.1.0"
}

variable "image_registry" {
  description = "Registry (and path) of the operator, router and demo images (the chart's imageRegistry value); null keeps the chart's default, where the release workflow publishes (ghcr.io/region-router)."
  type        = string
  default     = null
}

variable "fullname_override" {
  description = "The chart's fullnameOverride: the name prefix of every object instead of release_name (the router Service is <prefix>-router); null keeps release_name."
  type        = string
  default     = null

  validation {
    condition     = var.fullname_override == null || (can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", var.fullname_override)) && length(coalesce(var.fullname_override, "x")) <= 45)
    error_message = "fullname_override must be a lowercase DNS label of at most 45 characters, or null."
  }
}

variable "router_port" {
  description = "The router's data-plane port (server.port and the Service port http): /v1/** and /health."
  type        = number
  default     = 8000

  validation {
    condition     = var.router_port >= 1 && var.router_port <= 65535 && floor(var.router_port) == var.router_port
    error_message = "router_port must be a port number, 1-65535."
  }
}

variable "router_management_port" {
  description = "The router's management port (management.server.port): probes, /actuator/prometheus, /regions/*. Must differ from router_port."
  type        = number
  default     = 9090

  validation {
    condition     = var.router_management_port >= 1 && var.router_management_port <= 65535 && floor(var.router_management_port) == var.router_management_port
    error_message = "router_management_port must be a port number, 1-65535."
  }
}

variable "manage_crd" {
  description = "Apply the InferenceRegion CRD with every apply, upgrades included (the chart's crds.enabled, with resource-policy keep; the release skips the chart's crds/, which Helm would install once and never upgrade). false: the CRD comes from crds/ on the first install only, and upgrades are yours (kubectl apply)."
  type        = bool
  default     = true
}

variable "image_tag" {
  description = "Tag of both images; null uses the chart's appVersion."
  type        = string
  default     = null
}

variable "router_replicas" {
  description = "Router replicas (ignored while router_autoscaling is set)."
  type        = number
  default     = 2

  validation {
    condition     = var.router_replicas >= 0 && floor(var.router_replicas) == var.router_replicas
    error_message = "router_replicas must be a whole number, 0 or more."
  }
}

variable "router_autoscaling" {
  description = "Scale the router on CPU between min and max replicas; null keeps router_replicas."
  type = object({
    min_replicas                      = number
    max_replicas                      = number
    target_cpu_utilization_percentage = optional(number, 70)
  })
  default = null

  validation {
    condition     = var.router_autoscaling == null || try(var.router_autoscaling.min_replicas >= 1 && var.router_autoscaling.min_replicas <= var.router_autoscaling.max_replicas, false)
    error_message = "router_autoscaling needs 1 <= min_replicas <= max_replicas."
  }
}

variable "operator_watch_namespaces" {
  description = "Namespaces whose InferenceRegions the operator watches, each with a Role; empty watches the release namespace only. Include var.namespace when regions are declared here."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for ns in var.operator_watch_namespaces : can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", ns))])
    error_message = "Every entry of operator_watch_namespaces must be a lowercase DNS label."
  }
}

variable "operator_watch_all_namespaces" {
  description = "Watch InferenceRegions in every namespace, with a ClusterRole that can write ConfigMaps everywhere (explicit choice; leave operator_watch_namespaces empty then)."
  type        = bool
  default     = false

  validation {
    condition     = !var.operator_watch_all_namespaces || length(var.operator_watch_namespaces) == 0
    error_message = "operator_watch_all_namespaces watches every namespace: leave operator_watch_namespaces empty."
  }
}

variable "enable_service_monitor" {
  description = "Create Prometheus Operator ServiceMonitors (needs the monitoring.coreos.com CRDs)."
  type        = bool
  default     = false
}

variable "enable_network_policy" {
  description = "Create NetworkPolicies limiting ingress to the router's and operator's ports."
  type        = bool
  default     = false
}

variable "extra_values" {
  description = "More chart values as YAML documents, merged after the module's own (see helm/region-router/values.yaml)."
  type        = list(string)
  default     = []
}

variable "regions" {
  description = "InferenceRegions to declare in var.namespace, keyed by region name. The rules mirror the CRD's, so a bad region fails at plan time rather than at apply."
  type = map(object({
    endpoint           = string
    cost_per_1k_tokens = number
    priority           = number
    provider           = string
    drain              = optional(bool)
    health_path        = optional(string)
    inference_path     = optional(string)
    capacity = optional(object({
      max_in_flight     = optional(number)
      tokens_per_minute = optional(number)
    }))
    credentials_secret_ref = optional(object({
      name = string
      key  = optional(string)
    }))
    probe = optional(object({
      interval_seconds = optional(number)
      timeout_seconds  = optional(number)
      method           = optional(string)
      send_credentials = optional(bool)
    }))
    models = optional(map(string))
    timeouts = optional(object({
      first_byte_seconds  = optional(number)
      stream_idle_seconds = optional(number)
    }))
    # the object's labels (not its spec): the operator copies them into the routing table
    labels = optional(map(string))
  }))
  default = {}

  validation {
    # a region's namespace must be one the operator watches, or no operator publishes it
    condition     = length(var.regions) == 0 || length(var.operator_watch_namespaces) == 0 || contains(var.operator_watch_namespaces, var.namespace)
    error_message = "The regions are declared in var.namespace, which operator_watch_namespaces does not list: no operator would publish them. Add the namespace to operator_watch_namespaces (or leave it empty: all namespaces)."
  }

  validation {
    condition = alltrue(flatten([for r in values(var.regions) : [
      for k, v in coalesce(r.labels, {}) : (
        can(regex("^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$", k)) &&
        length(element(split("/", k), length(split("/", k)) - 1)) <= 63 &&
        can(regex("^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$", v)) && length(v) <= 63
      )
    ]]))
    error_message = "Region labels must be Kubernetes labels: keys [prefix/]name (name at most 63 characters of letters, digits, '-', '_', '.'), values at most 63 such characters."
  }

  validation {
    condition     = alltrue([for name, r in var.regions : can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", name)) && length(name) <= 253])
    error_message = "Region names (the map's keys) must be Kubernetes object names: lowercase letters, digits, '-' and '.'."
  }

  validation {
    # the CRD's rules: http(s) scheme, a host (name or [IPv6]), optional port and path, no user info, query, fragment or spaces
    condition     = alltrue([for r in values(var.regions) : can(regex("^https?://([A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]+\\])(:[0-9]{1,5})?(/[^\\s?#]*)?$", r.endpoint)) && length(r.endpoint) <= 2048])
    error_message = "Every region endpoint must be an http:// or https:// URL with a host, optionally a port and a path, and no user info, query (?) or fragment (#)."
  }

  validation {
    condition     = alltrue([for r in values(var.regions) : r.cost_per_1k_tokens >= 0])
    error_message = "cost_per_1k_tokens must be 0 or more (USD per 1,000 tokens)."
  }

  validation {
    condition     = alltrue([for r in values(var.regions) : r.priority >= 0 && floor(r.priority) == r.priority])
    error_message = "priority must be a whole number, 0 or more (lower is preferred)."
  }

  validation {
    condition     = alltrue([for r in values(var.regions) : can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", r.provider)) && length(r.provider) <= 63])
    error_message = "provider must be a lowercase DNS label: aws, azure, gcp, onprem, ..."
  }

  validation {
    condition = alltrue(flatten([for r in values(var.regions) : [
      for p in compact([r.health_path, r.inference_path]) : can(regex("^/[^?#\\s]*$", p)) && length(p) <= 256
    ]]))
    error_message = "health_path and inference_path must start with / and have no query, fragment or spaces."
  }

  validation {
    condition = alltrue([for r in values(var.regions) : r.capacity == null ? true : (
      coalesce(r.capacity.max_in_flight, 1) >= 1 && coalesce(r.capacity.tokens_per_minute, 1) >= 1
    )])
    error_message = "capacity.max_in_flight and capacity.tokens_per_minute must be 1 or more."
  }

  validation {
    # the API server applies the CRD's defaults (interval 10, timeout 2) before its rules: so do we
    condition = alltrue([for r in values(var.regions) : r.probe == null ? true : (
      coalesce(r.probe.interval_seconds, 10) >= 1 && coalesce(r.probe.interval_seconds, 10) <= 3600 &&
      coalesce(r.probe.timeout_seconds, 2) >= 1 && coalesce(r.probe.timeout_seconds, 2) <= 60 &&
      coalesce(r.probe.timeout_seconds, 2) <= coalesce(r.probe.interval_seconds, 10)
    )])
    error_message = "probe.interval_seconds must be 1-3600 (default 10), probe.timeout_seconds 1-60 (default 2) and not greater than the interval."
  }

  validation {
    condition     = alltrue([for r in values(var.regions) : r.probe == null ? true : (r.probe.method == null ? true : contains(["GET", "HEAD"], r.probe.method))])
    error_message = "probe.method must be \"GET\" or \"HEAD\" (default GET); the probed path is health_path."
  }

  validation {
    condition = alltrue([for r in values(var.regions) : r.models == null ? true : (
      length(r.models) <= 256 &&
      alltrue([for k, v in r.models : length(k) >= 1 && length(k) <= 256 && length(v) >= 1 && length(v) <= 256])
    )])
    error_message = "models may hold at most 256 entries, and every model name (key) and region model name (value) must be 1 to 256 characters."
  }

  validation {
    condition = alltrue([for r in values(var.regions) : r.timeouts == null ? true : (
      (r.timeouts.first_byte_seconds == null ? true : (
        r.timeouts.first_byte_seconds >= 1 && r.timeouts.first_byte_seconds <= 600 &&
        floor(r.timeouts.first_byte_seconds) == r.timeouts.first_byte_seconds
      )) &&
      (r.timeouts.stream_idle_seconds == null ? true : (
        r.timeouts.stream_idle_seconds >= 1 && r.timeouts.stream_idle_seconds <= 3600 &&
        floor(r.timeouts.stream_idle_seconds) == r.timeouts.stream_idle_seconds
      ))
    )])
    error_message = "timeouts.first_byte_seconds must be a whole number 1-600 and timeouts.stream_idle_seconds a whole number 1-3600 (unset: the router's global timeouts)."
  }

  validation {
    condition = alltrue([for r in values(var.regions) : r.credentials_secret_ref == null ? true : (
      can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", r.credentials_secret_ref.name)) &&
      can(regex("^[-._a-zA-Z0-9]+$", coalesce(r.credentials_secret_ref.key, "token")))
    )])
    error_message = "credentials_secret_ref.name must be a Secret name and key a Secret key ([-._a-zA-Z0-9]+)."
  }
}

variable "regions_managed_by" {
  description = "How the regions are declared: \"kubernetes_manifest\" (one Terraform resource per region; the CRD must already exist when planning, so a first install needs a targeted apply of the release first) or \"helm\" (the chart's regions value, in the same release as the CRD: one apply)."
  type        = string
  default     = "kubernetes_manifest"

  validation {
    condition     = contains(["kubernetes_manifest", "helm"], var.regions_managed_by)
    error_message = "regions_managed_by must be \"kubernetes_manifest\" or \"helm\"."
  }
}

variable "wait_for_regions_ready" {
  description = "With kubernetes_manifest regions: make apply wait until each region's Ready condition is True (fails the apply when a region stays unreachable)."
  type        = bool
  default     = false
}
