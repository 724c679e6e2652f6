package dev.regionrouter.helm.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** NOTES.txt, as `helm install` prints it (a client-only dry run: no cluster needed). */
class NotesTest {

  private static String notes(Path... valuesFiles) {
    InstallCommand install =
        new Helm(Charts.chartDir())
            .install()
            .withName(Charts.RELEASE)
            .withNamespace(Charts.NAMESPACE)
            .withKubeVersion(Charts.KUBE_VERSION)
            .clientOnly()
            .dryRun();
    for (Path file : valuesFiles) {
      install = install.withValuesFile(file);
    }
    return install.call().getOutput();
  }

  @Test
  void tellsHowToApplyARegionWaitForItAndCallTheRouter() {
    String notes = notes();

    assertThat(notes)
        .contains("kind: InferenceRegion")
        .contains("kubectl apply -n inference -f -")
        .contains("kubectl get ireg -n inference")
        .contains("kubectl wait --for=condition=Ready inferenceregion --all -n inference")
        .contains("http://rr-router.inference.svc.cluster.local:8000/v1/inference")
        .contains("kubectl port-forward -n inference svc/rr-router 8000:8000")
        .contains("watching namespaces inference");
  }

  @Test
  void listsTheRegionsTheReleaseCreatedAndTheWatchedNamespaces() {
    String notes = notes(Charts.values("all-options.yaml"));

    assertThat(notes)
        .contains("this release created 3: ap-south-1, brazilsouth, me-south-1")
        .contains("watching namespaces inference, team-a")
        .contains("http://edge-router.inference.svc.cluster.local:8000")
        .doesNotContain("WARNING");
  }

  @Test
  void warnsWhenTheOperatorDoesNotWatchTheRoutersNamespace(
      @org.junit.jupiter.api.io.TempDir Path dir) {
    String notes =
        notes(
            Charts.writeValues(
                dir, Values.of("operator.watchNamespaces", java.util.List.of("team-b")).yaml()));

    assertThat(notes)
        .contains(
            "WARNING: the router runs in inference, which operator.watchNamespaces does not list");
  }
}
