package dev.regionrouter.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regionrouter.api.table.RoutingTableCodec;
import dev.regionrouter.api.v1alpha1.InferenceRegion;
import dev.regionrouter.api.v1alpha1.InferenceRegionSpec;
import dev.regionrouter.mockregion.MockRegion;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Propagation: the time from a patch of an InferenceRegion to the router's first request routed by
 * the new spec, through the whole chain (API server watch, operator reconcile and coalesced
 * ConfigMap write, router informer). Two regions, a and b; each patch flips which one has the
 * better priority; a caller sends requests back to back and notes when the answer first comes from
 * the newly preferred region.
 *
 * <p>{@code PropagationBench ROOT PATCHES OUTFILE}: writes key=value results. Run by
 * bench/propagation.
 */
public final class PropagationBench {

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]).toAbsolutePath();
    int patches = Integer.parseInt(args[1]);
    Path out = Path.of(args[2]);
    String ns = "bench";
    ObjectMapper json = new ObjectMapper();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    MockRegion a = MockRegion.builder("region-a").port(0).latencyMs(5).inferenceDelayMs(0).build();
    MockRegion b = MockRegion.builder("region-b").port(0).latencyMs(5).inferenceDelayMs(0).build();
    a.start();
    b.start();
    try (DevApiServer api =
            DevApiServer.start(0, root.resolve("crds/" + InferenceRegion.CRD_NAME + ".yaml"));
        KubernetesClient kube = api.client()) {
      kube.namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .create();
      Path kubeconfig =
          api.writeKubeconfig(out.toAbsolutePath().getParent().resolve("kubeconfig"), ns);
      kube.resource(
              new InferenceRegion(
                  ns,
                  "region-a",
                  new InferenceRegionSpec(
                      a.baseUri().toString().replaceAll("/$", ""), 0.3, 1, "aws")))
          .create();
      kube.resource(
              new InferenceRegion(
                  ns,
                  "region-b",
                  new InferenceRegionSpec(
                      b.baseUri().toString().replaceAll("/$", ""), 0.3, 2, "aws")))
          .create();
      int routerPort = JarProcess.freePort();
      try (JarProcess operator =
              JarProcess.start(
                  "bench-operator",
                  Path.of(args[3]),
                  Map.of(
                      "KUBECONFIG",
                      kubeconfig.toString(),
                      "WATCH_NAMESPACES",
                      ns,
                      "LEADER_ELECTION",
                      "false",
                      "OPERATOR_HTTP_PORT",
                      String.valueOf(JarProcess.freePort())));
          JarProcess router =
              JarProcess.start(
                  "bench-router",
                  Path.of(args[4]),
                  Map.of("KUBECONFIG", kubeconfig.toString()),
                  "--server.port=" + routerPort,
                  "--router.config-map=" + RoutingTableCodec.CONFIG_MAP_NAME,
                  "--router.namespace=" + ns)) {
        HttpRequest request =
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + routerPort + "/v1/inference"))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(5))
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"prompt\":\"propagation\",\"max_tokens\":1}"))
                .build();
        waitForRegion(http, json, request, "region-a", Duration.ofSeconds(90));
        List<Double> millis = new ArrayList<>();
        String preferred = "region-a";
        for (int i = 0; i < patches; i++) {
          String next = preferred.equals("region-a") ? "region-b" : "region-a";
          // the current favourite drops to priority 3: the other (priority 1 or 2) wins
          long start = System.nanoTime();
          kube.resources(InferenceRegion.class)
              .inNamespace(ns)
              .withName(preferred)
              .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"priority\":3}}");
          waitForRegion(http, json, request, next, Duration.ofSeconds(30));
          millis.add((System.nanoTime() - start) / 1e6);
          kube.resources(InferenceRegion.class)
              .inNamespace(ns)
              .withName(preferred)
              .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"priority\":2}}");
          kube.resources(InferenceRegion.class)
              .inNamespace(ns)
              .withName(next)
              .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"priority\":1}}");
          waitForRegion(
              http, json, request, next, Duration.ofSeconds(30)); // settle before the next patch
          preferred = next;
        }
        Collections.sort(millis);
        double median =
            millis.size() % 2 == 1
                ? millis.get(millis.size() / 2)
                : (millis.get(millis.size() / 2 - 1) + millis.get(millis.size() / 2)) / 2;
        java.nio.file.Files.writeString(
            out,
            "patches="
                + millis.size()
                + "\nmedian_ms="
                + Math.round(median)
                + "\nmin_ms="
                + Math.round(millis.get(0))
                + "\nmax_ms="
                + Math.round(millis.get(millis.size() - 1))
                + "\nall_ms="
                + millis.stream().map(m -> String.valueOf(Math.round(m))).toList()
                + "\n");
      }
    } finally {
      a.stop();
      b.stop();
    }
  }

  private static void waitForRegion(
      HttpClient http, ObjectMapper json, HttpRequest request, String region, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200
            && region.equals(
                json.readTree(response.body()).path("metadata").path("region").asText())) {
          return;
        }
      } catch (java.io.IOException e) {
        // router not up yet
      }
      Thread.sleep(2); // a caller's pace between requests, not a wait for an outcome
    }
    throw new IllegalStateException("the router did not route to " + region + " within " + timeout);
  }
}
