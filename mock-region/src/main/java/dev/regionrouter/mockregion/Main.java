package dev.regionrouter.mockregion;

import dev.regionrouter.mockregion.cli.CommandLine;

/** {@code java -jar mock-region.jar REGION PORT LATENCY_MS [options]}. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    CommandLine.Result result = CommandLine.parse(args);
    MockRegionOptions options;
    switch (result) {
      case CommandLine.Help help -> {
        System.out.print(help.text());
        return;
      }
      case CommandLine.Invalid invalid -> {
        System.err.println("mock-region: " + invalid.message());
        System.err.print(invalid.usage());
        System.exit(invalid.exitCode());
        return;
      }
      case CommandLine.Run run -> options = run.options();
    }

    MockRegion region = new MockRegion(options);
    int port;
    try {
      port = region.start();
    } catch (IllegalStateException e) {
      System.err.println("mock-region: " + e.getMessage());
      System.exit(1);
      return;
    }
    // SIGTERM / Ctrl-C: close the sockets and the event loops (their threads keep the JVM up).
    Runtime.getRuntime().addShutdownHook(new Thread(region::stop, "mock-region-shutdown"));
    System.out.println(
        "mock-region "
            + region.region()
            + " listening on "
            + region.baseUri()
            + " (latency "
            + options.settings().latencyMs()
            + " ms)");
  }
}
