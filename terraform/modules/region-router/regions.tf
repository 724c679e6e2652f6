# The regions map turned into InferenceRegion specs. Kept apart from main.tf, with no resources,
# so that the module's tests can evaluate it (and the variables' validations) with no provider.

locals {
  # InferenceRegion specs in the CRD's field names, without the fields left unset (null)
  region_specs = {
    for name, r in var.regions : name => merge(
      {
        endpoint        = r.endpoint
        costPer1kTokens = r.cost_per_1k_tokens
        priority        = r.priority
        provider        = r.provider
      },
      r.drain == null ? {} : { drain = r.drain },
      r.health_path == null ? {} : { healthPath = r.health_path },
      r.inference_path == null ? {} : { inferencePath = r.inference_path },
      r.capacity == null ? {} : {
        capacity = {
          for k, v in {
            maxInFlight     = r.capacity.max_in_flight
            tokensPerMinute = r.capacity.tokens_per_minute
          } : k => v if v != null
        }
      },
      r.credentials_secret_ref == null ? {} : {
        credentialsSecretRef = {
          for k, v in {
            name = r.credentials_secret_ref.name
            key  = r.credentials_secret_ref.key
          } : k => v if v != null
        }
      },
      r.probe == null ? {} : {
        probe = {
          for k, v in {
            intervalSeconds = r.probe.interval_seconds
            timeoutSeconds  = r.probe.timeout_seconds
            method          = r.probe.method
            sendCredentials = r.probe.send_credentials
          } : k => v if v != null
        }
      },
      # model names are the callers' and the region's own: passed through as written
      r.models == null ? {} : { models = r.models },
      r.timeouts == null ? {} : {
        timeouts = {
          for k, v in {
            firstByteSeconds  = r.timeouts.first_byte_seconds
            streamIdleSeconds = r.timeouts.stream_idle_seconds
          } : k => v if v != null
        }
      },
    )
  }
}
