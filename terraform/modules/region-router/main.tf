# Installs the region-router chart (CRD, operator, router, RBAC) and declares the regions.

resource "helm_release" "this" {
  name             = var.release_name
  namespace        = var.namespace
  create_namespace = var.create_namespace

  chart      = var.chart
  repository = var.chart_repository
  version    = var.chart_version

  values = local.values_documents

  # with manage_crd the CRD is a template of the release (applied on every upgrade); Helm must not
  # also create it from crds/
  skip_crds = var.manage_crd

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
      labels = merge(local.region_labels[each.key], {
        "app.kubernetes.io/managed-by" = "terraform"
        "app.kubernetes.io/part-of"    = "region-router"
      })
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
