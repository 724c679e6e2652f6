package dev.regionrouter.operator;

import dev.regionrouter.operator.config.OperatorSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One operator started in-process, as in production, against its own CRUD mock API server, shared
 * by the tests of a class. Register it as a static {@code @RegisterExtension} field: it starts
 * before the class's {@code @BeforeAll} methods and is stopped, with its client and the mock API
 * server, after the class's tests. The operator gets a client of its own, as a separate process
 * would; the tests use {@link MockCluster#client()}.
 */
final class InProcessOperator implements BeforeAllCallback, AfterAllCallback {

  private final OperatorSettings settings;
  private MockCluster cluster;
  private KubernetesClient operatorClient;
  private RegionRouterOperator operator;

  InProcessOperator(OperatorSettings settings) {
    this.settings = settings;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    cluster = MockCluster.start();
    operatorClient = cluster.newClient();
    operator = new RegionRouterOperator(operatorClient, settings);
    operator.start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    // JUnit calls this even when beforeAll failed part-way: stop what was started
    if (operator != null) {
      operator.stop();
    }
    if (operatorClient != null) {
      operatorClient.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  /** The mock API server, with the client the tests use. */
  MockCluster cluster() {
    return cluster;
  }

  RegionRouterOperator operator() {
    return operator;
  }
}
