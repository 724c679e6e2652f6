# Installs region-router into any cluster your kubeconfig reaches, with two regions.
#
#   terraform init && terraform apply -target=module.region_router.helm_release.this && terraform apply
#
# (the first, targeted apply installs the CRD: kubernetes_manifest needs it to plan the regions;
# set regions_managed_by = "helm" in the module for a single apply instead)

provider "helm" {
  kubernetes = {
    config_path    = var.kubeconfig
    config_context = var.kube_context
  }
}

provider "kubernetes" {
  config_path    = var.kubeconfig
  config_context = var.kube_context
}

module "region_router" {
  source = "../../modules/region-router"

  release_name   = "region-router"
  namespace      = "inference"
  chart          = "${path.root}/../../../helm/region-router"
  image_registry = var.image_registry

  regions = {
    "ap-south-1" = {
      endpoint           = "https://inference.ap-south-1.example.com"
      cost_per_1k_tokens = 0.32
      priority           = 1
      provider           = "aws"
    }
    "me-south-1" = {
      endpoint           = "https://inference.me-south-1.example.com"
      cost_per_1k_tokens = 0.35
      priority           = 2
      provider           = "aws"
      probe = {
        interval_seconds = 5
        timeout_seconds  = 2
        method           = "HEAD" # GET (default) or HEAD, on health_path
      }
      # the model callers send => this region's own model name; only these models are sent here
      models = {
        "gpt-4o"      = "gpt-4o-2024-08-06"
        "gpt-4o-mini" = "gpt-4o-mini-2024-07-18"
      }
      # farther away than ap-south-1: give its streams more time than the router's defaults
      timeouts = {
        first_byte_seconds  = 20
        stream_idle_seconds = 120
      }
    }
  }
}
