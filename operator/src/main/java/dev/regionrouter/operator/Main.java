package dev.regionrouter.operator;

import dev.regionrouter.operator.config.OperatorSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar operator.jar}: standard kubeconfig resolution (KUBECONFIG, ~/.kube/config, or
 * the in-cluster service account), settings from the environment, a clean shutdown on SIGTERM.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    OperatorSettings settings;
    try {
      settings =
          OperatorSettings.fromEnvironment(
              System.getenv(), OperatorSettings.SERVICE_ACCOUNT_NAMESPACE_FILE);
    } catch (IllegalArgumentException e) {
      LOG.error("bad configuration: {}", e.getMessage());
      System.exit(2);
      return;
    }
    if (settings.probeTrustedCas() != null) {
      LOG.info(
          "region probes trust the {} certificate(s) of {} instead of the JDK's CAs",
          settings.probeTrustedCas().certificates().size(),
          settings.probeTrustedCas().file());
    }
    if (!settings.leaderElectionEnabled()) {
      LOG.info(
          "leader election is off ({}): run a single replica",
          "false".equalsIgnoreCase(System.getenv().getOrDefault("LEADER_ELECTION", "true"))
              ? "LEADER_ELECTION=false"
              : "no OPERATOR_NAMESPACE and no in-cluster namespace file");
    }
    KubernetesClient client = new KubernetesClientBuilder().build();
    RegionRouterOperator operator = new RegionRouterOperator(client, settings);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  operator.stop();
                  client.close();
                  stopped.countDown();
                },
                "shutdown"));
    try {
      operator.start();
    } catch (RuntimeException e) {
      LOG.error(
          "cannot start the operator against {}: {}", client.getMasterUrl(), e.getMessage(), e);
      System.exit(1);
    }
    stopped.await();
  }
}
