# Installs the region-router chart (CRD, operator, router, RBAC) and declares the regions.

locals {
  image_values = var.image_tag == null ? {} : { tag = var.image_tag }

  chart_values = {
    imageRegistry = var.image_registry
    operator = {
      watchNamespaces    = var.operator_watch_namespaces
      watchAllNamespaces = var.operator_watch_all_namespaces
      image              = local.image_values
    }
    router = {
      replicas = var.router_replicas
      image    = local.image_values
      autoscaling = var.router_autoscaling == null ? { enabled = false } : {
        enabled                        = true
        minReplicas                    = var.router_autoscaling.min_replicas
        maxReplicas                    = var.router_autoscaling.max_replicas
        targetCPUUtilizationPercentage = var.router_autoscaling.target_cpu_utilization_percentage
      }
      # the router may read the Secrets its regions name, and no other
      credentials = {
        secretNames = distinct([for r in values(var.regions) : r.credentials_secret_ref.name if r.credentials_secret_ref != null])
      }
    }
    monitoring    = { serviceMonitor = { enabled = var.enable_service_monitor } }
    networkPolicy = { enabled = var.enable_network_policy }
    regions       = var.regions_managed_by == "helm" ? local.region_specs : {}
  }
}

resource "helm_release" "this" {
  name             = var.release_name
  namespace        = var.namespace
  create_namespace = var.create_namespace

  chart      = var.chart
  repository = var.chart_repository
  version    = var.chart_version

  values = concat([yamlencode(local.chart_values)], var.extra_values)

  # roll back a failed upgrade instead of leaving a half-applied release
  atomic          = true
  cleanup_on_fail = true
  wait            = true
  timeout         = 600
}

resource "kubernetes_manifest" "region" {
  for_each = var.regions_managed_by == "kubernetes_manifest" ? local.region_specs : {}

  manifest = {
    apiVersion = "inference.regionrouter.dev/v1alpha1"
    kind       = "InferenceRegion"
    metadata = {
      name      = each.key
      namespace = var.namespace
      labels = {
        "app.kubernetes.io/managed-by" = "terraform"
        "app.kubernetes.io/part-of"    = "region-router"
      }
    }
    spec = each.value
  }

  dynamic "wait" {
    for_each = var.wait_for_regions_ready ? [1] : []
    content {
      condition {
        type   = "Ready"
        status = "True"
      }
    }
  }

  # the CRD and the operator come with the release
  depends_on = [helm_release.this]
}
