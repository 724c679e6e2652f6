package dev.regionrouter.helm.chart;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the chart and the repository are, and how tests render the chart: `helm template` through
 * helm-java (Helm's own Go code, in process, offline) with values files.
 */
public final class Charts {

  public static final String RELEASE = "rr";
  public static final String NAMESPACE = "inference";

  /**
   * helm-java's template defaults to Kubernetes 1.20; the chart needs 1.25+ (CEL rules in the CRD).
   */
  public static final String KUBE_VERSION = "1.31.0";

  private Charts() {}

  /** The repository root: the helm module's parent directory. */
  public static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    // surefire runs in helm/; an IDE may run in the root
    if (Files.isDirectory(dir.resolve("region-router")) && Files.exists(dir.resolve("pom.xml"))) {
      return dir.getParent();
    }
    return dir;
  }

  public static Path chartDir() {
    return repositoryRoot().resolve("helm/region-router");
  }

  /** `helm template rr helm/region-router -n inference [-f file]...`, CRDs included. */
  public static RenderedChart template(Path... valuesFiles) {
    return RenderedChart.parse(templateCommand(valuesFiles).call());
  }

  public static TemplateCommand templateCommand(Path... valuesFiles) {
    TemplateCommand command =
        new Helm(chartDir())
            .template()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeVersion(KUBE_VERSION);
    for (Path file : valuesFiles) {
      command = command.withValuesFile(file);
    }
    return command;
  }

  /** A values file from test resources (src/test/resources/values/NAME). */
  public static Path values(String name) {
    Path file = repositoryRoot().resolve("helm/src/test/resources/values").resolve(name);
    if (!Files.exists(file)) {
      throw new IllegalArgumentException("no test values file " + file);
    }
    return file;
  }

  /** Writes YAML values to a file in dir, for tests that build values inline. */
  public static Path writeValues(Path dir, String yaml) {
    try {
      Path file = Files.createTempFile(dir, "values-", ".yaml");
      Files.writeString(file, yaml);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
