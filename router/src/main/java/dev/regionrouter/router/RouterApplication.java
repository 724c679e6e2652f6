package dev.regionrouter.router;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The region router: {@code java -jar router.jar --router.regions-file=PATH} or {@code
 * --router.config-map=inference-regions [--router.namespace=NS]}.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class RouterApplication {

  /** The system property Reactor Netty reads for its number of event loops. */
  static final String EVENT_LOOPS = "reactor.netty.ioWorkerCount";

  public static void main(String[] args) {
    if (System.getProperty(EVENT_LOOPS) == null) {
      eventLoops(Runtime.getRuntime().availableProcessors())
          .ifPresent(loops -> System.setProperty(EVENT_LOOPS, Integer.toString(loops)));
    }
    SpringApplication.run(RouterApplication.class, args);
  }

  /**
   * The router's event loops on a machine of few cores: one more than its cores, where Reactor
   * Netty would run at least 4: with fewer loops, each wake-up serves more events (the measurement
   * is in bench/RESULTS.md). From 4 cores on, Reactor Netty's default (one per core) stays.
   * -Dreactor.netty.ioWorkerCount=N sets it explicitly.
   */
  static java.util.OptionalInt eventLoops(int cores) {
    return cores < 4 ? java.util.OptionalInt.of(cores + 1) : java.util.OptionalInt.empty();
  }
}
