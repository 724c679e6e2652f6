package dev.regionrouter.router;

import dev.regionrouter.router.config.AccessLogProperties;
import dev.regionrouter.router.config.CredentialsProperties;
import dev.regionrouter.router.config.HealthProperties;
import dev.regionrouter.router.config.ProbeProperties;
import dev.regionrouter.router.config.ProxyProperties;
import dev.regionrouter.router.config.RouterProperties;
import dev.regionrouter.router.config.TableProperties;
import dev.regionrouter.router.edge.DataPlane;
import dev.regionrouter.router.edge.InferenceEndpoint;
import dev.regionrouter.router.edge.Json;
import dev.regionrouter.router.edge.PassThroughEndpoint;
import dev.regionrouter.router.exchange.AttemptLoop;
import dev.regionrouter.router.exchange.Exchange;
import dev.regionrouter.router.exchange.HedgingAttempt;
import dev.regionrouter.router.exchange.InferenceProxy;
import dev.regionrouter.router.exchange.PassThroughProxy;
import dev.regionrouter.router.exchange.ProviderError;
import dev.regionrouter.router.exchange.RetryBudget;
import dev.regionrouter.router.health.HealthRegistry;
import dev.regionrouter.router.health.Prober;
import dev.regionrouter.router.observe.AccessLog;
import dev.regionrouter.router.observe.RecentRequests;
import dev.regionrouter.router.observe.RequestLog;
import dev.regionrouter.router.observe.RouterMetrics;
import dev.regionrouter.router.selection.LatencyWindow;
import dev.regionrouter.router.selection.RoutePlanner;
import dev.regionrouter.router.selection.RoutingMetrics;
import dev.regionrouter.router.selection.RoutingProperties;
import dev.regionrouter.router.selection.TokenMeter;
import dev.regionrouter.router.table.ConfigMapTableSource;
import dev.regionrouter.router.table.FileTableSource;
import dev.regionrouter.router.table.KubernetesNamespace;
import dev.regionrouter.router.table.TableHolder;
import dev.regionrouter.router.upstream.Credentials;
import dev.regionrouter.router.upstream.MountedCredentials;
import dev.regionrouter.router.upstream.NettyUpstreamClient;
import dev.regionrouter.router.upstream.SecretCredentials;
import dev.regionrouter.router.upstream.UpstreamClient;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.random.RandomGenerator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Wires the router's parts. The parts themselves are plain classes (no Spring inside), so tests
 * build them directly; this is the only place that knows which source, credentials and client are
 * used.
 */
@Configuration(proxyBeanMethods = false)
public class RouterConfiguration {

  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }

  @Bean
  RandomGenerator routerRandom() {
    return RandomGenerator.of("L64X128MixRandom");
  }

  @Bean
  RouterMetrics routerMetrics(MeterRegistry registry) {
    return new RouterMetrics(registry);
  }

  @Bean
  TableHolder tableHolder(
      RouterProperties router,
      ObjectProvider<KubernetesClient> kubernetes,
      Clock clock,
      RouterMetrics metrics) {
    router.validate();
    String source =
        router.kubernetesMode()
            ? ConfigMapTableSource.describe(
                KubernetesNamespace.resolve(
                    router.namespace(),
                    KubernetesNamespace.POD_NAMESPACE_FILE,
                    kubernetes.getObject()),
                router.configMap())
            : FileTableSource.describe(router.regionsFile());
    return new TableHolder(source, clock, metrics);
  }

  @Bean
  HealthRegistry healthRegistry(
      HealthProperties health,
      ProbeProperties probe,
      RoutingProperties routing,
      Clock clock,
      RouterMetrics metrics,
      TableHolder tables) {
    HealthRegistry registry =
        new HealthRegistry(health, probe, routing.latencySmoothing(), clock, metrics);
    tables.addListener(registry::onTable);
    return registry;
  }

  /**
   * Netty, non-blocking: data-plane calls stay on the event loop of their inbound connection; the
   * prober's calls use the client's own single event loop. router.proxy.trusted-ca-file: the CAs
   * (PEM) that https regions' certificates must chain to, instead of the JDK's.
   */
  @Bean(destroyMethod = "close")
  UpstreamClient upstreamClient(
      ProxyProperties proxy,
      @Value("${router.proxy.trusted-ca-file:#{null}}") java.io.File trustedCas) {
    return new NettyUpstreamClient(
        proxy.connectTimeout(), proxy.upstreamIdleTimeout(), 1, proxy.http2(), trustedCas);
  }

  @Bean(destroyMethod = "close")
  Prober prober(
      UpstreamClient client,
      HealthRegistry health,
      ProbeProperties probe,
      RouterMetrics metrics,
      RandomGenerator random,
      TableHolder tables,
      Credentials credentials) {
    Prober prober = new Prober(client, health, probe, metrics, random, credentials);
    tables.addListener(prober::onTable);
    return prober;
  }

  @Bean
  @ConditionalOnProperty("router.regions-file")
  FileTableSource fileTableSource(
      RouterProperties router,
      TableProperties table,
      TableHolder tables,
      HealthRegistry health,
      Prober prober) {
    return new FileTableSource(router.regionsFile(), table.filePollInterval(), tables);
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnProperty("router.config-map")
  KubernetesClient kubernetesClient() {
    return new KubernetesClientBuilder().build();
  }

  @Bean
  @ConditionalOnProperty("router.config-map")
  ConfigMapTableSource configMapTableSource(
      RouterProperties router,
      KubernetesClient client,
      TableHolder tables,
      HealthRegistry health,
      Prober prober) {
    String namespace =
        KubernetesNamespace.resolve(
            router.namespace(), KubernetesNamespace.POD_NAMESPACE_FILE, client);
    return new ConfigMapTableSource(client, namespace, router.configMap(), tables);
  }

  @Bean
  Credentials credentials(
      CredentialsProperties credentials,
      RouterProperties router,
      ObjectProvider<KubernetesClient> kubernetes,
      TableHolder tables,
      Clock clock) {
    if (credentials.dir() != null) {
      return new MountedCredentials(credentials.dir(), credentials.fileCacheTtl(), clock);
    }
    KubernetesClient client = kubernetes.getIfAvailable();
    if (client != null) {
      SecretCredentials secrets =
          new SecretCredentials(
              client,
              KubernetesNamespace.resolve(
                  router.namespace(), KubernetesNamespace.POD_NAMESPACE_FILE, client));
      tables.addListener(secrets::onTable);
      return secrets;
    }
    return Credentials.NONE;
  }

  @Bean
  RetryBudget retryBudget(ProxyProperties proxy) {
    return new RetryBudget(proxy.retryBudgetRatio(), proxy.retryBudgetMinPerSecond());
  }

  @Bean
  AttemptLoop attemptLoop(
      TableHolder tables,
      HealthRegistry health,
      RoutingProperties routing,
      ProxyProperties proxy,
      RetryBudget budget,
      Credentials credentials,
      RouterMetrics metrics,
      RandomGenerator random,
      RoutePlanner planner) {
    return new AttemptLoop(
        tables, health, routing, proxy, budget, credentials, metrics, random, planner);
  }

  @Bean
  InferenceProxy inferenceProxy(AttemptLoop loop, UpstreamClient client, ProxyProperties proxy) {
    return new InferenceProxy(
        loop,
        client,
        Json.MAPPER,
        proxy.forwardAuthorization(),
        proxy.maxResponseSize().toBytes(),
        new ProviderError(proxy.regionSpecificErrorCodes()));
  }

  @Bean
  PassThroughProxy passThroughProxy(
      AttemptLoop loop, UpstreamClient client, ProxyProperties proxy) {
    return new PassThroughProxy(
        loop,
        client,
        proxy.firstByteTimeout(),
        proxy.streamIdleTimeout(),
        proxy.forwardAuthorization(),
        new ProviderError(proxy.regionSpecificErrorCodes()));
  }

  @Bean
  DataPlane dataPlane(
      InferenceProxy inference,
      PassThroughProxy passThrough,
      ProxyProperties proxy,
      RoutePlanner planner,
      HedgingAttempt hedging,
      Exchange.Ledger ledger,
      @Value("${spring.lifecycle.timeout-per-shutdown-phase:20s}") Duration shutdownWait,
      @Value("${server.netty.idle-timeout:60s}") Duration idleTimeout,
      RequestLog requests,
      RouterMetrics metrics) {
    DataPlane plane =
        new DataPlane(
            proxy,
            new InferenceEndpoint(inference, proxy, planner, hedging, ledger),
            new PassThroughEndpoint(passThrough, proxy, planner, ledger),
            shutdownWait,
            idleTimeout,
            requests);
    metrics.trackRequestsInFlight(plane::inFlight);
    return plane;
  }

  /** Finished requests: the status page's last requests and the opt-in access log. */
  @Bean
  RequestLog requestLog(AccessLogProperties accessLog) {
    return new RequestLog(
        new AccessLog(accessLog.enabled(), accessLog.maxPerSecond(), System::nanoTime),
        new RecentRequests(20));
  }

  /** The data plane rides on the router's own HTTP server (Reactor Netty, under Spring WebFlux). */
  @Bean
  DataPlaneOnServer dataPlaneOnServer(DataPlane dataPlane) {
    return new DataPlaneOnServer(dataPlane);
  }

  /**
   * Installs the data plane after Spring Boot's own server customizer (order 0, which applies
   * {@code server.netty.*}), so that the data plane's codec sees the decoder settings it set.
   */
  record DataPlaneOnServer(DataPlane dataPlane)
      implements WebServerFactoryCustomizer<NettyReactiveWebServerFactory>, Ordered {
    @Override
    public void customize(NettyReactiveWebServerFactory factory) {
      factory.addServerCustomizers(dataPlane::install);
    }

    @Override
    public int getOrder() {
      return Ordered.LOWEST_PRECEDENCE;
    }
  }

  @Bean
  HedgingAttempt hedgingAttempt(
      HealthRegistry health,
      LatencyWindow latencies,
      RoutingProperties routing,
      RoutingMetrics metrics,
      ProxyProperties proxy) {
    return new HedgingAttempt(health, latencies, routing.hedging(), metrics, proxy.tryTimeout());
  }

  @Bean
  Exchange.Ledger exchangeLedger(
      TokenMeter tokens, LatencyWindow latencies, RouterMetrics metrics) {
    return new Exchange.Ledger(tokens, latencies, metrics);
  }
}
