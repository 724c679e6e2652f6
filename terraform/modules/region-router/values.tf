# The chart values and the names and URLs they imply. Kept apart from main.tf, with no resources,
# so that the module's tests can evaluate it with no provider.

locals {
  image_values = var.image_tag == null ? {} : { tag = var.image_tag }

  # the region's labels, kept out of its spec
  region_labels = { for name, r in var.regions : name => coalesce(r.labels, {}) }

  # the chart's regions value: each spec, plus its labels when it has any
  helm_regions = {
    for name, spec in local.region_specs : name => merge(
      spec, length(local.region_labels[name]) == 0 ? {} : { labels = local.region_labels[name] }
    )
  }

  chart_values = merge(
    var.image_registry == null ? {} : { imageRegistry = var.image_registry },
    var.fullname_override == null ? {} : { fullnameOverride = var.fullname_override },
    {
      crds = { enabled = var.manage_crd, keep = true }
      operator = {
        watchNamespaces    = var.operator_watch_namespaces
        watchAllNamespaces = var.operator_watch_all_namespaces
        image              = local.image_values
      }
      router = {
        replicas       = var.router_replicas
        port           = var.router_port
        managementPort = var.router_management_port
        image          = local.image_values
        # the router may read the Secrets its regions name, and no other
        credentials = {
          secretNames = distinct([for r in values(var.regions) : r.credentials_secret_ref.name if r.credentials_secret_ref != null])
        }
      }
      monitoring    = { serviceMonitor = { enabled = var.enable_service_monitor } }
      networkPolicy = { enabled = var.enable_network_policy }
    },
  )

  # regions and autoscaling in documents of their own: a conditional cannot choose between objects
  # of two shapes
  regions_documents = var.regions_managed_by == "helm" && length(var.regions) > 0 ? [yamlencode({ regions = local.helm_regions })] : []

  autoscaling_documents = var.router_autoscaling == null ? [] : [yamlencode({
    router = {
      autoscaling = {
        enabled                        = true
        minReplicas                    = var.router_autoscaling.min_replicas
        maxReplicas                    = var.router_autoscaling.max_replicas
        targetCPUUtilizationPercentage = var.router_autoscaling.target_cpu_utilization_percentage
      }
    }
  })]

  # the release's values: the module's, then extra_values (the last one that sets a value wins)
  values_documents = concat([yamlencode(local.chart_values)], local.regions_documents, local.autoscaling_documents, var.extra_values)

  # extra_values come after the module's own values: the last one that sets a value wins, as in Helm
  extra_values      = [for doc in var.extra_values : try(yamldecode(doc), {})]
  fullname_override = try(reverse(compact(concat([var.fullname_override], [for v in local.extra_values : try(tostring(v.fullnameOverride), null)])))[0], "")
  router_port       = tonumber(reverse(concat([tostring(var.router_port)], compact([for v in local.extra_values : try(tostring(v.router.port), null)])))[0])
  management_port   = tonumber(reverse(concat([tostring(var.router_management_port)], compact([for v in local.extra_values : try(tostring(v.router.managementPort), null)])))[0])

  # the chart's fullname: the override or the release name, at most 45 characters, no trailing '-'
  name_prefix    = trimsuffix(substr(local.fullname_override == "" ? var.release_name : local.fullname_override, 0, 45), "-")
  router_service = "${local.name_prefix}-router"
  router_host    = "${local.router_service}.${var.namespace}.svc.cluster.local"
  router_url     = "http://${local.router_host}:${local.router_port}"
  management_url = "http://${local.router_host}:${local.management_port}"
}
