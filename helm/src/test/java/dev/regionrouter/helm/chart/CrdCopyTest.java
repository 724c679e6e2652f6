package dev.regionrouter.helm.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Helm installs what sits in the chart's crds/: it must be the CRD the build generates. */
class CrdCopyTest {

  private static final String REFRESH =
      "the chart's CRD differs from the generated one: refresh it with"
          + " `cp crds/*.yaml helm/region-router/crds/` (from the repository root) and commit both";

  private static final Path GENERATED = Charts.repositoryRoot().resolve("crds");
  private static final Path CHART = Charts.chartDir().resolve("crds");

  @Test
  void chartCrdIsByteIdenticalToTheGeneratedCrd() throws IOException {
    Path generated = GENERATED.resolve("inferenceregions.inference.regionrouter.dev.yaml");
    Path copy = CHART.resolve(generated.getFileName());

    assertThat(copy).as(REFRESH).exists();
    assertThat(Files.readAllBytes(copy)).as(REFRESH).isEqualTo(Files.readAllBytes(generated));
  }

  @Test
  void chartHoldsExactlyTheGeneratedCrdFiles() throws IOException {
    assertThat(yamlFiles(CHART)).as(REFRESH).isEqualTo(yamlFiles(GENERATED));
  }

  private static List<String> yamlFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(n -> n.endsWith(".yaml"))
          .sorted()
          .toList();
    }
  }
}
