variable "cluster_name" {
  description = "EKS cluster (in ap-south-1) that runs region-router."
  type        = string
}

variable "inference_lb_name" {
  description = "Name of the Application Load Balancer fronting the inference service in each region."
  type        = string
  default     = "inference"
}

variable "image_registry" {
  description = "Registry (and path) holding the region-router/{operator,router} images, for example an ECR mirror; null: the published ones (ghcr.io/region-router)."
  type        = string
  default     = null
}
