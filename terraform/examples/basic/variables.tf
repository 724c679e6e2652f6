variable "kubeconfig" {
  description = "Path of the kubeconfig file."
  type        = string
  default     = "~/.kube/config"
}

variable "kube_context" {
  description = "kubeconfig context to use; null uses the current one."
  type        = string
  default     = null
}

variable "image_registry" {
  description = "Registry holding the region-router/operator and region-router/router images you built and pushed."
  type        = string
}
