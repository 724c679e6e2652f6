# One regional inference endpoint per AWS region (each behind an Application Load Balancer you
# already run there), fed into region-router running on an EKS cluster in the home region.
# Adding a region is one provider alias, one data source and one map entry.

# --- one AWS provider per region --------------------------------------------------------------

provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"
}

provider "aws" {
  alias  = "me_south_1"
  region = "me-south-1"
}

provider "aws" {
  alias  = "ap_south_1"
  region = "ap-south-1"
}

# --- the regional inference endpoints -----------------------------------------------------------

data "aws_lb" "inference_us_east_1" {
  provider = aws.us_east_1
  name     = var.inference_lb_name
}

data "aws_lb" "inference_me_south_1" {
  provider = aws.me_south_1
  name     = var.inference_lb_name
}

data "aws_lb" "inference_ap_south_1" {
  provider = aws.ap_south_1
  name     = var.inference_lb_name
}

locals {
  # price (USD per 1k tokens) and priority per region; lower priority is preferred
  regions = {
    "us-east-1"  = { lb = data.aws_lb.inference_us_east_1, cost = 0.30, priority = 2 }
    "me-south-1" = { lb = data.aws_lb.inference_me_south_1, cost = 0.35, priority = 2 }
    "ap-south-1" = { lb = data.aws_lb.inference_ap_south_1, cost = 0.32, priority = 1 }
  }
}

# --- the cluster that runs region-router --------------------------------------------------------

data "aws_eks_cluster" "home" {
  provider = aws.ap_south_1
  name     = var.cluster_name
}

data "aws_eks_cluster_auth" "home" {
  provider = aws.ap_south_1
  name     = var.cluster_name
}

provider "kubernetes" {
  host                   = data.aws_eks_cluster.home.endpoint
  cluster_ca_certificate = base64decode(data.aws_eks_cluster.home.certificate_authority[0].data)
  token                  = data.aws_eks_cluster_auth.home.token
}

provider "helm" {
  kubernetes = {
    host                   = data.aws_eks_cluster.home.endpoint
    cluster_ca_certificate = base64decode(data.aws_eks_cluster.home.certificate_authority[0].data)
    token                  = data.aws_eks_cluster_auth.home.token
  }
}

module "region_router" {
  source = "../../modules/region-router"

  release_name   = "region-router"
  namespace      = "inference"
  chart          = "${path.root}/../../../helm/region-router"
  image_registry = var.image_registry

  router_autoscaling = {
    min_replicas = 2
    max_replicas = 10
  }
  enable_network_policy = true

  # one apply: the chart creates the CRD and the regions together
  regions_managed_by = "helm"

  regions = {
    for name, r in local.regions : name => {
      endpoint           = "https://${r.lb.dns_name}"
      cost_per_1k_tokens = r.cost
      priority           = r.priority
      provider           = "aws"
      probe = {
        interval_seconds = 10
        timeout_seconds  = 2
      }
    }
  }
}
