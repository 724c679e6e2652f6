output "router_url" {
  description = "In-cluster URL of the router: POST <router_url>/v1/inference."
  value       = module.region_router.router_url
}

output "regional_endpoints" {
  description = "The endpoint each region was declared with."
  value       = { for name, r in local.regions : name => "https://${r.lb.dns_name}" }
}
