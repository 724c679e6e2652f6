package dev.regionrouter.router.table;

import dev.regionrouter.router.config.CapacityShareProperties;
import dev.regionrouter.router.config.RouterProperties;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * In Kubernetes mode with {@code router.capacity-share.service} set, the replica count from the
 * router Service's EndpointSlices divides each region's capacity ({@link CapacityShare}); without
 * it (file mode, or not set) a replica enforces the whole capacity.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty({"router.config-map", "router.capacity-share.service"})
class CapacityShareConfiguration {

  @Bean(initMethod = "start", destroyMethod = "close")
  RouterReplicas routerReplicas(
      CapacityShareProperties share,
      RouterProperties router,
      KubernetesClient client,
      TableHolder tables) {
    String namespace =
        KubernetesNamespace.resolve(
            router.namespace(), KubernetesNamespace.POD_NAMESPACE_FILE, client);
    return new RouterReplicas(client, namespace, share.service(), tables::shareCapacityAmong);
  }
}
