output "release_name" {
  description = "Name of the Helm release."
  value       = helm_release.this.name
}

output "namespace" {
  description = "Namespace of the operator, the router and the regions declared here."
  value       = helm_release.this.namespace
}

output "router_service" {
  description = "Name of the router's Service."
  value       = "${var.release_name}-router"
}

output "router_url" {
  description = "In-cluster base URL of the router: POST <router_url>/v1/inference, GET <router_url>/regions/status."
  value       = "http://${var.release_name}-router.${helm_release.this.namespace}.svc.cluster.local:8000"
}

output "region_names" {
  description = "Names of the InferenceRegions this module declares."
  value       = sort(keys(var.regions))
}
