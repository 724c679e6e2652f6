package dev.regionrouter.router;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The router's layers as the build checks them (CONVENTIONS.md, "Data path"): selection is pure,
 * health knows nothing of requests, only the HTTP edge knows the edge, nothing below the transport
 * touches Netty, and a request's state is passed, never found in a ThreadLocal. The package cycles
 * that remain (proxy and routing, select and health, config and the rest) are the
 * router-architecture issue's; a rule for them comes with that work.
 */
class ArchitectureTest {

  private static final JavaClasses ROUTER =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.regionrouter.router");

  @Test
  void selectionIsPureScoringOverHealthViews() {
    noClasses()
        .that()
        .resideInAPackage("..router.select..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "..router.api..",
            "..router.proxy..",
            "..router.routing..",
            "..router.table..",
            "..router.probe..",
            "..router.config..",
            "org.springframework..",
            "io.netty..")
        .check(ROUTER);
  }

  @Test
  void healthKnowsNothingOfRequestsOrTheWire() {
    noClasses()
        .that()
        .resideInAPackage("..router.health..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "..router.api..",
            "..router.proxy..",
            "..router.routing..",
            "..router.probe..",
            "io.netty..")
        .check(ROUTER);
  }

  @Test
  void onlyTheHttpEdgeAndTheWiringKnowTheEdge() {
    noClasses()
        .that()
        .resideOutsideOfPackages("..router.api..", "..router.config..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("..router.api..")
        .check(ROUTER);
  }

  @Test
  void routingSelectionHealthAndTablesDoNotTouchTheWire() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "..router.routing..", "..router.select..", "..router.health..", "..router.table..")
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
