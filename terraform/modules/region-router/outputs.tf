output "release_name" {
  description = "Name of the Helm release."
  value       = helm_release.this.name
}

output "namespace" {
  description = "Namespace of the operator, the router and the regions declared here."
  value       = helm_release.this.namespace
}

output "router_service" {
  description = "Name of the router's Service (<fullname_override or release_name>-router, as the chart names it)."
  value       = local.router_service
}

output "router_url" {
  description = "In-cluster base URL of the router's data plane: POST <router_url>/v1/inference (honours fullname_override, router_port and the same values in extra_values)."
  value       = local.router_url
}

output "router_management_url" {
  description = "In-cluster base URL of the router's management port: GET <router_management_url>/regions/status, /actuator/prometheus."
  value       = local.management_url
}

output "region_names" {
  description = "Names of the InferenceRegions this module declares."
  value       = sort(keys(var.regions))
}
