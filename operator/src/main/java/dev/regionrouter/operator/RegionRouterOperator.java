package dev.regionrouter.operator;

import dev.regionrouter.operator.config.Leadership;
import dev.regionrouter.operator.config.OperatorSettings;
import dev.regionrouter.operator.event.EventRecorder;
import dev.regionrouter.operator.metrics.HealthServer;
import dev.regionrouter.operator.metrics.HealthServer.Readiness;
import dev.regionrouter.operator.metrics.OperatorMetrics;
import dev.regionrouter.operator.probe.RegionProber;
import dev.regionrouter.operator.reconciler.InferenceRegionReconciler;
import dev.regionrouter.operator.reconciler.PrimaryCacheCatalog;
import dev.regionrouter.operator.reconciler.RegionSignals;
import dev.regionrouter.operator.table.ConfigMapStore;
import dev.regionrouter.operator.table.RoutingTablePublisher;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole operator, startable in-process: {@code new RegionRouterOperator(client,
 * settings).start()} runs exactly what {@code java -jar operator.jar} runs ({@link Main} only adds
 * the environment and a shutdown hook). Wires the JOSDK controller, the routing-table publisher,
 * the prober, the event recorder, leader election and the health/metrics server.
 */
public final class RegionRouterOperator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RegionRouterOperator.class);

  private final KubernetesClient client;
  private final OperatorSettings settings;
  private final Leadership leadership;
  private final OperatorMetrics metrics;
  private final ConfigMapStore configMaps;
  private final PrimaryCacheCatalog catalog = new PrimaryCacheCatalog();
  private final RegionSignals signals = new RegionSignals();
  private final RoutingTablePublisher publisher;
  private final RegionProber<ResourceID> prober;
  private final InferenceRegionReconciler reconciler;
  private final Operator operator;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private volatile HealthServer healthServer;

  public RegionRouterOperator(KubernetesClient client, OperatorSettings settings) {
    this(client, settings, Clock.systemUTC());
  }

  public RegionRouterOperator(KubernetesClient client, OperatorSettings settings, Clock clock) {
    this.client = Objects.requireNonNull(client);
    this.settings = Objects.requireNonNull(settings);
    this.leadership = new Leadership(settings.leaderElectionEnabled());
    this.metrics = new OperatorMetrics(leadership);
    metrics.trackRegions(() -> catalog.namespaces().stream().flatMap(catalog::regions));
    this.configMaps = new ConfigMapStore(client, settings.watchNamespaces());
    this.publisher =
        new RoutingTablePublisher(
            catalog,
            configMaps,
            leadership,
            metrics,
            settings.publishQuietPeriod(),
            settings.publishMaxDelay(),
            settings.maxTableBytes(),
            this::publicationChanged);
    this.prober =
        new RegionProber<>(this::probeChanged, metrics, clock, settings.probeTrustedCas());
    String identity =
        settings.leaderElectionEnabled() ? settings.leaderElection().identity() : "standalone";
    EventRecorder events = new EventRecorder(client, identity, metrics, clock);
    this.reconciler =
        new InferenceRegionReconciler(
            publisher, prober, events, leadership, settings, metrics, signals, catalog, clock);
    this.operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  // The write strategy is the same everywhere: no server-side apply (JOSDK's
                  // default), whose
                  // absence in test API servers would silently stop reconciliation.
                  .withUseSSAToPatchPrimaryResource(false)
                  .withCloseClientOnStop(false)
                  .withConcurrentReconciliationThreads(settings.reconciliationThreads())
                  .withReconciliationTerminationTimeout(Duration.ofSeconds(5))
                  .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(metrics.registry()));
              if (settings.leaderElectionEnabled()) {
                OperatorSettings.LeaderElectionSettings le = settings.leaderElection();
                o.withLeaderElectionConfiguration(
                    LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(le.leaseName())
                        .withLeaseNamespace(le.leaseNamespace())
                        .withIdentity(le.identity())
                        .withLeaseDuration(le.leaseDuration())
                        .withRenewDeadline(le.renewDeadline())
                        .withRetryPeriod(le.retryPeriod())
                        .withLeaderCallbacks(
                            new LeaderCallbacks(
                                this::startedLeading,
                                this::stoppedLeading,
                                leader -> LOG.info("leader is now {}", leader)))
                        // we decide ourselves (see stoppedLeading): exiting inside JOSDK's callback
                        // would also
                        // kill an in-process operator's JVM and race the shutdown hook
                        .withExitOnStopLeading(false)
                        .build());
              }
            });
    operator.register(
        reconciler,
        c -> {
          c.withName("inferenceregion")
              .withTriggerReconcilerOnAllEvents(true)
              // reconcile on spec (generation), label and deletion changes, not on status-only
              // updates
              // (our own status writes would otherwise come back as events)
              .withGenerationAware(false)
              .withOnUpdateFilter(
                  (newRegion, oldRegion) ->
                      !Objects.equals(
                              newRegion.getMetadata().getGeneration(),
                              oldRegion.getMetadata().getGeneration())
                          || !Objects.equals(
                              newRegion.getMetadata().getLabels(),
                              oldRegion.getMetadata().getLabels())
                          || !Objects.equals(
                              newRegion.getMetadata().getDeletionTimestamp(),
                              oldRegion.getMetadata().getDeletionTimestamp()))
              .withRetry(
                  new GenericRetry()
                      .setInitialInterval(500)
                      .setIntervalMultiplier(2)
                      .setMaxInterval(30_000)
                      .withoutMaxAttempts())
              .withReconciliationMaxInterval(Duration.ofMinutes(10));
          if (settings.watchNamespaces().isEmpty()) {
            c.watchingAllNamespaces();
          } else {
            c.settingNamespaces(settings.watchNamespaces());
          }
        });
  }

  /**
   * Starts the health server, the ConfigMap watch and the controller; returns once the informer
   * caches are synced. Throws when the API server cannot be used (for example the CRD is missing).
   */
  public void start() {
    if (!started.compareAndSet(false, true)) {
      return;
    }
    try {
      healthServer = new HealthServer(settings.httpPort(), this::readiness, metrics::scrape);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on port " + settings.httpPort(), e);
    }
    configMaps.start(publisher::configMapChanged);
    operator.start();
    LOG.info(
        "region-router operator started: namespaces {}, leader election {}, http port {}",
        settings.watchNamespaces().isEmpty() ? "all" : settings.watchNamespaces(),
        settings.leaderElectionEnabled()
            ? "on (Lease "
                + settings.leaderElection().leaseNamespace()
                + "/"
                + settings.leaderElection().leaseName()
                + " as "
                + settings.leaderElection().identity()
                + ")"
            : "off",
        healthServer.port());
    if (!settings.leaderElectionEnabled()) {
      publisher.requestPublishAll();
    }
  }

  /**
   * Stops everything it started, in reverse order; the client stays open (it belongs to the
   * caller).
   */
  public void stop() {
    if (!started.get() || !stopping.compareAndSet(false, true)) {
      return;
    }
    LOG.info("region-router operator stopping");
    try {
      operator.stop();
    } catch (RuntimeException e) {
      LOG.warn("stopping the controller failed", e);
    }
    leadership.setLeading(false);
    prober.close();
    publisher.close();
    configMaps.close();
    HealthServer server = healthServer;
    if (server != null) {
      server.close();
    }
    LOG.info("region-router operator stopped");
  }

  @Override
  public void close() {
    stop();
  }

  /**
   * Ready: caches synced and, with leader election, leading or standing by (a standby is ready
   * too).
   */
  public Readiness readiness() {
    if (!started.get() || stopping.get()) {
      return new Readiness(false, stopping.get() ? "stopping" : "starting");
    }
    if (!operator.getRuntimeInfo().isStarted()) {
      return new Readiness(false, "informers not synced yet");
    }
    if (!operator.getRuntimeInfo().allEventSourcesAreHealthy()) {
      return new Readiness(
          false,
          "unhealthy event sources: " + operator.getRuntimeInfo().unhealthyEventSources().keySet());
    }
    if (!configMaps.hasSynced()) {
      return new Readiness(false, "ConfigMap watch not synced yet");
    }
    if (!settings.leaderElectionEnabled()) {
      return new Readiness(true, "running without leader election");
    }
    return new Readiness(true, leadership.isLeading() ? "leading" : "standing by");
  }

  public boolean isLeader() {
    return leadership.isLeading();
  }

  /** The port of /healthz, /readyz and /metrics (useful with port 0). */
  public int httpPort() {
    HealthServer server = healthServer;
    if (server == null) {
      throw new IllegalStateException("not started");
    }
    return server.port();
  }

  public OperatorSettings settings() {
    return settings;
  }

  private void startedLeading() {
    LOG.info("started leading: taking over routing tables, status and probes");
    leadership.setLeading(true);
    publisher.requestPublishAll();
    // reconcile every region once under the new lead (JOSDK also replays what it saw while standing
    // by)
    catalog
        .namespaces()
        .forEach(
            ns -> catalog.regions(ns).forEach(r -> signals.signal(ResourceID.fromResource(r))));
  }

  private void stoppedLeading() {
    leadership.setLeading(false);
    prober.forgetAll();
    if (stopping.get()) {
      return;
    }
    if (settings.exitOnLostLeadership()) {
      LOG.error(
          "lost leadership unexpectedly: exiting so that this replica restarts and stands by again");
      Thread exit = new Thread(() -> System.exit(1), "exit-on-lost-leadership");
      exit.start();
    } else {
      LOG.warn(
          "lost leadership unexpectedly: this operator stops writing (in-process run, not exiting)");
    }
  }

  private void publicationChanged(String namespace) {
    reconciler.publicationChanged(namespace);
  }

  private void probeChanged(ResourceID region) {
    if (leadership.isLeading()) {
      reconciler.probeChanged(region);
    }
  }
}
