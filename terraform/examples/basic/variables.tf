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
  description = "Registry (and path) holding the region-router/{operator,router} images; null: the published ones (ghcr.io/region-router)."
  type        = string
  default     = null
}
