package dev.regionrouter.router.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.regionrouter.router.RouterApplication;
import dev.regionrouter.router.support.TestRegion;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Graceful shutdown: once the router is asked to stop, readiness drops (so Kubernetes takes it out
 * of the Service), and a request already in flight still completes with its answer.
 */
class GracefulShutdownIT {

  private final CountDownLatch arrived = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private final TestRegion region =
      new TestRegion("slow", 0)
          .onInference(
              exchange -> {
                arrived.countDown();
                release.await(20, TimeUnit.SECONDS); // a slow region: answers when the test says so
                TestRegion.send(
                    exchange,
                    200,
                    "application/json",
                    "{\"output\":\"finished\",\"tokens_used\":1}");
              });
  private ConfigurableApplicationContext router;

  @AfterEach
  void stop() {
    release.countDown();
    if (router != null) {
      router.close();
    }
    region.close();
  }

  @Test
  void readinessDropsDuringShutdownWhileTheInFlightRequestFinishes() throws Exception {
    Path table = Files.createTempFile("graceful", ".yaml");
    Files.writeString(
        table,
        "regions:\n  - {name: slow, endpoint: '"
            + region.endpoint()
            + "', costPer1kTokens: 0.1, priority: 1, provider: aws}\n");
    router =
        new SpringApplicationBuilder(RouterApplication.class)
            .properties(
                "server.port=0",
                "router.regions-file=" + table,
                "router.probe.interval=1h",
                "router.proxy.try-timeout=20s")
            .run();
    int port = router.getEnvironment().getProperty("local.server.port", Integer.class);
    HealthEndpoint health = router.getBean(HealthEndpoint.class);
    ApplicationAvailability availability = router.getBean(ApplicationAvailability.class);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> health.healthForPath("readiness").getStatus().equals(Status.UP));

    CompletableFuture<HttpResponse<String>> inFlight =
        HttpClient.newHttpClient()
            .sendAsync(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/inference"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"finish me\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();

    Thread closing = Thread.ofPlatform().start(router::close);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(availability.getReadinessState())
                  .isEqualTo(ReadinessState.REFUSING_TRAFFIC);
              assertThat(health.healthForPath("readiness").getStatus())
                  .isEqualTo(Status.OUT_OF_SERVICE);
            });
    assertThat(closing.isAlive()).as("shutdown waits for the request in flight").isTrue();
    assertThat(inFlight).isNotDone();

    release.countDown();
    HttpResponse<String> response = inFlight.get(10, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"result\":\"finished\"");
    closing.join(Duration.ofSeconds(25));
    assertThat(closing.isAlive()).isFalse();
    router = null;
  }
}
