package dev.regionrouter.helm.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.regionrouter.helm.chart.Charts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The images cannot be built here (no Docker engine): this checks what can be checked without one.
 * The Dockerfiles copy what the build produces, the router's layer extraction yields the
 * directories its COPY lines name, and the images run as the non-root user the chart expects.
 */
class DockerfilesTest {

  private static final Path ROOT = Charts.repositoryRoot();

  private static Dockerfile dockerfile(String component) throws IOException {
    return Dockerfile.read(ROOT.resolve("docker/" + component + ".Dockerfile"));
  }

  private static Path jar(String component) {
    return ROOT.resolve(component + "/target/" + component + ".jar");
  }

  /**
   * A module in the reactor (an uncommented {@code <module>} in the parent pom) is packaged before
   * this one, so its jar must exist. A module not in the reactor yet cannot be checked: skip.
   */
  private static void assumeBuilt(String component) {
    boolean inReactor;
    try {
      inReactor =
          Files.readString(ROOT.resolve("pom.xml"))
              .replaceAll("(?s)<!--.*?-->", "")
              .contains("<module>" + component + "</module>");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assumeTrue(
        inReactor || Files.exists(jar(component)),
        () ->
            component
                + " is not in the reactor yet: nothing to check "
                + jar(component)
                + " against");
    assertThat(jar(component))
        .as(
            "%s is in the reactor but its jar is missing: build with ./mvnw -B verify (helm/pom.xml"
                + " depends on dev.regionrouter:%s, type pom, so that -pl helm -am packages it first)",
            component, component)
        .isRegularFile();
  }

  @ParameterizedTest
  @ValueSource(strings = {"operator", "router"})
  void copiesOnlyTheContractJarFromTheBuildContext(String component) throws IOException {
    assertThat(dockerfile(component).contextSources())
        .containsExactly(component + "/target/" + component + ".jar");
  }

  @ParameterizedTest
  @ValueSource(strings = {"operator", "router"})
  void everyPathCopiedFromTheBuildContextExistsInTheBuildOutput(String component)
      throws IOException {
    assumeBuilt(component);
    for (String source : dockerfile(component).contextSources()) {
      assertThat(ROOT.resolve(source))
          .as("COPY source of docker/%s.Dockerfile", component)
          .isRegularFile();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"operator", "router"})
  void dockerignoreLetsThroughExactlyWhatTheDockerfileCopies(String component) throws IOException {
    List<String> lines =
        Files.readAllLines(ROOT.resolve("docker/" + component + ".Dockerfile.dockerignore"))
            .stream()
            .filter(l -> !l.isBlank() && !l.startsWith("#"))
            .toList();
    List<String> allowed =
        dockerfile(component).contextSources().stream().map(s -> "!" + s).toList();

    assertThat(lines.getFirst()).isEqualTo("*");
    assertThat(lines.subList(1, lines.size())).containsExactlyElementsOf(allowed);
  }

  @ParameterizedTest
  @ValueSource(strings = {"operator", "router"})
  void runsOnAJre25AsTheNumericNonRootUserTheChartRunsAs(String component) throws IOException {
    Dockerfile file = dockerfile(component);
    Map<String, Object> values =
        new ObjectMapper(new YAMLFactory())
            .readerForMapOf(Object.class)
            .readValue(Charts.chartDir().resolve("values.yaml").toFile());
    @SuppressWarnings("unchecked")
    Object chartUser = ((Map<String, Object>) values.get("securityContext")).get("runAsUser");

    assertThat(file.argDefault("JRE_IMAGE"))
        .matches("eclipse-temurin:25[-.a-z0-9]*-jre|eclipse-temurin:25-jre");
    assertThat(file.all("FROM"))
        .allSatisfy(from -> assertThat(from.args().getFirst()).isEqualTo("${JRE_IMAGE}"));
    String user = file.last("USER").args().getFirst();
    assertThat(user).matches("\\d+:\\d+").doesNotStartWith("0:");
    assertThat(user).startsWith(chartUser + ":");
  }

  @ParameterizedTest
  @ValueSource(strings = {"operator", "router"})
  void setsContainerAwareJvmFlags(String component) throws IOException {
    assertThat(String.join(" ", dockerfile(component).last("ENV").args()))
        .contains("JAVA_TOOL_OPTIONS=")
        .containsPattern("-XX:\\+Use(Serial|Parallel)GC")
        .contains("-XX:MaxRAMPercentage=")
        .contains("-XX:+ExitOnOutOfMemoryError");
  }

  /** The image alone (docker run) runs with the JVM the chart's default values give it. */
  @ParameterizedTest
  @ValueSource(strings = {"operator", "router"})
  void imageJvmOptionsAreTheChartDefaults(String component) throws IOException {
    Map<String, Object> values =
        new ObjectMapper(new YAMLFactory())
            .readerForMapOf(Object.class)
            .readValue(Charts.chartDir().resolve("values.yaml").toFile());
    @SuppressWarnings("unchecked")
    Object javaOpts = ((Map<String, Object>) values.get(component)).get("javaOpts");
    assertThat(String.join(" ", dockerfile(component).last("ENV").args()))
        .isEqualTo("JAVA_TOOL_OPTIONS=\"" + javaOpts + "\"");
  }

  @Test
  void exposesThePortsTheChartProbes() throws IOException {
    assertThat(dockerfile("router").last("EXPOSE").args()).containsExactly("8000");
    assertThat(dockerfile("operator").last("EXPOSE").args()).containsExactly("8080");
  }

  @Test
  void operatorImageStartsItsSelfContainedJar() throws IOException {
    assertThat(dockerfile("operator").last("ENTRYPOINT").args())
        .containsExactly("[\"java\",", "\"-jar\",", "\"/app/operator.jar\"]");
    assumeBuilt("operator");
    try (JarFile jar = new JarFile(jar("operator").toFile())) {
      assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
          .as("operator.jar must be executable with java -jar")
          .isNotBlank();
    }
  }

  /**
   * Runs the image's first stage for real, on this JVM: Spring Boot's layer extraction of
   * router.jar, then checks that every directory the second stage copies exists and that the
   * ENTRYPOINT's jar is among them.
   */
  @Test
  void routerLayerExtractionYieldsEveryLayerTheImageCopies(@TempDir Path dir) throws Exception {
    Dockerfile file = dockerfile("router");
    assertThat(file.last("ENTRYPOINT").args())
        .containsExactly("[\"java\",", "\"-jar\",", "\"/app/router.jar\"]");
    List<String> layers = file.stageSources("layers");
    assertThat(layers)
        .containsExactly(
            "/build/extracted/dependencies/",
            "/build/extracted/spring-boot-loader/",
            "/build/extracted/snapshot-dependencies/",
            "/build/extracted/application/");
    assumeBuilt("router");

    String java = ProcessHandle.current().info().command().orElse("java");
    Process extract =
        new ProcessBuilder(
                java,
                "-Djarmode=tools",
                "-jar",
                jar("router").toString(),
                "extract",
                "--layers",
                "--destination",
                dir.resolve("extracted").toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(extract.getInputStream().readAllBytes());
    assertThat(extract.waitFor(2, TimeUnit.MINUTES)).as("extraction finished").isTrue();
    assertThat(extract.exitValue()).as(output).isZero();

    for (String layer : layers) {
      Path extracted = dir.resolve(layer.substring("/build/".length()));
      assertThat(extracted).as("layer %s (from %s)", layer, output).isDirectory();
    }
    assertThat(dir.resolve("extracted/application/router.jar")).isRegularFile();
    assertThat(dir.resolve("extracted/dependencies/lib")).isDirectory();
  }
}
