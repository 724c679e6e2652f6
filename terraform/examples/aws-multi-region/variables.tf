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
  description = "Registry (for example an ECR registry) holding the region-router/operator and region-router/router images."
  type        = string
}
