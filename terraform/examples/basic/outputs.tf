output "router_url" {
  description = "In-cluster URL of the router."
  value       = module.region_router.router_url
}

output "regions" {
  description = "Regions declared."
  value       = module.region_router.region_names
}
