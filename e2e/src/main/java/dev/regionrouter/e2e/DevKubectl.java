package dev.regionrouter.e2e;

import dev.regionrouter.api.table.RoutingTableCodec;
import dev.regionrouter.api.v1alpha1.Condition;
import dev.regionrouter.api.v1alpha1.Conditions;
import dev.regionrouter.api.v1alpha1.InferenceRegion;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The few kubectl verbs the bin/scenario script needs, for the dev API server (fabric8's mock has
 * no discovery endpoints, so the real kubectl cannot talk to it). Uses KUBECONFIG like kubectl.
 *
 * <pre>
 *   create-namespace NS
 *   apply NS FILE           create or replace every object of a multi-document YAML file
 *   get NS                  InferenceRegions with the CRD's printer columns
 *   patch NS NAME JSON      JSON merge patch of an InferenceRegion
 *   delete NS NAME
 *   conditions NS NAME      one region's conditions
 *   table NS                the routing-table ConfigMap's regions.json
 * </pre>
 */
public final class DevKubectl {

  private DevKubectl() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      usage();
    }
    try (KubernetesClient kube = new KubernetesClientBuilder().build()) {
      String ns = args[1];
      switch (args[0]) {
        case "create-namespace" -> {
          kube.namespaces()
              .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
              .createOr(existing -> existing.update());
          System.out.println("namespace/" + ns + " created");
        }
        case "apply" -> {
          need(args, 3);
          try (InputStream in = Files.newInputStream(Path.of(args[2]))) {
            for (HasMetadata object : kube.load(in).items()) {
              object.getMetadata().setNamespace(ns);
              kube.resource(object).inNamespace(ns).createOr(existing -> existing.update());
              System.out.println("inferenceregion/" + object.getMetadata().getName() + " applied");
            }
          }
        }
        case "get" ->
            print(
                kube.resources(InferenceRegion.class).inNamespace(ns).list().getItems().stream()
                    .sorted(java.util.Comparator.comparing(r -> r.getMetadata().getName()))
                    .toList());
        case "patch" -> {
          need(args, 4);
          kube.resources(InferenceRegion.class)
              .inNamespace(ns)
              .withName(args[2])
              .patch(PatchContext.of(PatchType.JSON_MERGE), args[3]);
          System.out.println("inferenceregion/" + args[2] + " patched");
        }
        case "delete" -> {
          need(args, 3);
          kube.resources(InferenceRegion.class).inNamespace(ns).withName(args[2]).delete();
          System.out.println("inferenceregion/" + args[2] + " deleted");
        }
        case "conditions" -> {
          need(args, 3);
          InferenceRegion region =
              kube.resources(InferenceRegion.class).inNamespace(ns).withName(args[2]).get();
          if (region == null || region.getStatus() == null) {
            System.out.println("(no status yet)");
            return;
          }
          for (Condition c : region.getStatus().getConditions()) {
            System.out.printf(
                "%-12s %-8s %-20s %s%n", c.getType(), c.getStatus(), c.getReason(), c.getMessage());
          }
        }
        case "table" -> {
          ConfigMap cm =
              kube.configMaps().inNamespace(ns).withName(RoutingTableCodec.CONFIG_MAP_NAME).get();
          System.out.println(
              cm == null
                  ? "(no ConfigMap yet)"
                  : cm.getData().get(RoutingTableCodec.CONFIG_MAP_KEY));
        }
        default -> usage();
      }
    }
  }

  private static String conditionStatus(InferenceRegion r, String type) {
    return r.getStatus() == null
        ? ""
        : r.getStatus().condition(type).map(Condition::getStatus).orElse("");
  }

  /** Prints regions as `kubectl get ireg` does, with the CRD's printer columns. */
  static void print(List<InferenceRegion> regions) {
    List<String[]> rows = new ArrayList<>();
    rows.add(
        new String[] {
          "NAME", "PROVIDER", "ENDPOINT", "COST", "PRIORITY", "READY", "HEALTHY", "LATENCY", "AGE"
        });
    for (InferenceRegion r : regions) {
      String ready = conditionStatus(r, Conditions.READY);
      String healthy = conditionStatus(r, Conditions.HEALTHY);
      String latency =
          r.getStatus() == null
                  || r.getStatus().getProbe() == null
                  || r.getStatus().getProbe().getLatencyMs() == null
              ? ""
              : String.valueOf(r.getStatus().getProbe().getLatencyMs());
      rows.add(
          new String[] {
            r.getMetadata().getName(),
            r.getSpec().getProvider(),
            r.getSpec().getEndpoint(),
            String.valueOf(r.getSpec().getCostPer1kTokens()),
            String.valueOf(r.getSpec().getPriority()),
            ready,
            healthy,
            latency,
            age(r.getMetadata().getCreationTimestamp())
          });
    }
    int[] widths = new int[rows.get(0).length];
    rows.forEach(
        row -> {
          for (int i = 0; i < row.length; i++) {
            widths[i] = Math.max(widths[i], row[i].length());
          }
        });
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(String.format("%-" + (widths[i] + 3) + "s", row[i]));
      }
      System.out.println(line.toString().stripTrailing());
    }
  }

  private static String age(String created) {
    if (created == null) {
      return "";
    }
    Duration age = Duration.between(Instant.parse(created), Instant.now());
    return age.toMinutes() > 0 ? age.toMinutes() + "m" : age.toSeconds() + "s";
  }

  private static void need(String[] args, int count) {
    if (args.length < count) {
      usage();
    }
  }

  private static void usage() {
    System.err.println(
        "usage: dev-kubectl create-namespace NS | apply NS FILE | get NS | patch NS NAME JSON"
            + " | delete NS NAME | conditions NS NAME | table NS");
    System.exit(2);
  }
}
