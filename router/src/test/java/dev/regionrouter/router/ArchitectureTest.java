package dev.regionrouter.router;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The router's packages and their order (docs/architecture.md), as the build checks them. From the
 * top: the composition root wires; {@code edge} takes HTTP in; {@code exchange} runs one request's
 * attempts; {@code selection} plans them; {@code health} keeps what is known of each region; {@code
 * upstream} talks HTTP to regions; {@code table} holds the routing table. {@code config}
 * (properties), {@code observe} (metrics), {@code error} and {@code json} are leaves anyone may
 * use. A package only uses those below it, so there are no cycles.
 */
class ArchitectureTest {

  private static final String ROOT = "dev.regionrouter.router";

  private static final JavaClasses ROUTER =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages(ROOT);

  /** One job per class: a source file past 500 lines has more than one. */
  @Test
  void noSourceFileIsLongerThan500Lines() throws IOException {
    Path sources = Path.of("src/main/java");
    try (Stream<java.nio.file.Path> files = Files.walk(sources)) {
      List<String> tooLong =
          files
              .filter(f -> f.toString().endsWith(".java"))
              .filter(f -> lines(f) > 500)
              .map(f -> sources.relativize(f) + " (" + lines(f) + " lines)")
              .toList();
      assertThat(tooLong).isEmpty();
    }
  }

  private static long lines(Path file) {
    try (Stream<String> lines = Files.lines(file)) {
      return lines.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void packagesAreFreeOfCycles() {
    slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(ROUTER);
  }

  @Test
  void eachLayerUsesOnlyTheLayersBelowIt() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("Root")
        .definedBy(ROOT)
        .layer("Edge")
        .definedBy(ROOT + ".edge..")
        .layer("Exchange")
        .definedBy(ROOT + ".exchange..")
        .layer("Selection")
        .definedBy(ROOT + ".selection..")
        .layer("Health")
        .definedBy(ROOT + ".health..")
        .layer("Upstream")
        .definedBy(ROOT + ".upstream..")
        .layer("Table")
        .definedBy(ROOT + ".table..")
        .layer("Leaves")
        .definedBy(ROOT + ".config..", ROOT + ".observe..", ROOT + ".error..", ROOT + ".json..")
        .whereLayer("Root")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("Edge")
        .mayOnlyBeAccessedByLayers("Root")
        .whereLayer("Exchange")
        .mayOnlyBeAccessedByLayers("Root", "Edge")
        .whereLayer("Selection")
        .mayOnlyBeAccessedByLayers("Root", "Edge", "Exchange")
        .whereLayer("Health")
        .mayOnlyBeAccessedByLayers("Root", "Edge", "Exchange", "Selection")
        .whereLayer("Upstream")
        .mayOnlyBeAccessedByLayers("Root", "Edge", "Exchange", "Health")
        .whereLayer("Table")
        .mayOnlyBeAccessedByLayers("Root", "Edge", "Exchange", "Selection", "Health", "Upstream")
        .check(ROUTER);
  }

  @Test
  void configHoldsPropertiesOnly() {
    noClasses()
        .that()
        .resideInAPackage(ROOT + ".config..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            ROOT + ".edge..",
            ROOT + ".exchange..",
            ROOT + ".selection..",
            ROOT + ".health..",
            ROOT + ".upstream..",
            ROOT + ".table..")
        .orShould()
        .beAnnotatedWith(org.springframework.context.annotation.Configuration.class)
        .check(ROUTER);
  }

  @Test
  void selectionAndHealthDoNotTouchTheWire() {
    noClasses()
        .that()
        .resideInAnyPackage(ROOT + ".selection..", ROOT + ".health..", ROOT + ".table..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.netty..")
        .check(ROUTER);
  }

  @Test
  void aRequestsStateIsPassedNeverKeptInAThreadLocal() {
    noClasses().should().dependOnClassesThat().areAssignableTo(ThreadLocal.class).check(ROUTER);
  }
}
