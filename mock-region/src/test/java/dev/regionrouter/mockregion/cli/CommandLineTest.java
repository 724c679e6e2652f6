package dev.regionrouter.mockregion.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regionrouter.mockregion.MockRegionOptions;
import dev.regionrouter.mockregion.config.DelayRange;
import dev.regionrouter.mockregion.config.MockSettings;
import dev.regionrouter.mockregion.config.Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CommandLineTest {

  @Test
  void theReferenceArgumentsGiveTheReferenceBehaviour() {
    MockRegionOptions options = run("ap-south-1", "8003", "50");

    assertThat(options.region()).isEqualTo("ap-south-1");
    assertThat(options.port()).isEqualTo(8003);
    assertThat(options.host()).isEqualTo("127.0.0.1");
    assertThat(options.settings())
        .isEqualTo(MockSettings.defaults().toBuilder().latencyMs(50).build());
    assertThat(options.settings().inferenceDelay()).isEqualTo(DelayRange.REFERENCE);
  }

  @Test
  void everyOptionIsParsed() {
    MockRegionOptions options =
        run(
            "us-east-1",
            "0",
            "100",
            "--host=0.0.0.0",
            "--inference-delay-ms=0",
            "--failure-rate=0.25",
            "--failure-status=503",
            "--fail-health",
            "--mode=rate-limited",
            "--retry-after-seconds=3",
            "--tokens-used=9",
            "--stream-chunks=7",
            "--stream-interval-ms=15",
            "--threads=2",
            "--max-body-bytes=4096",
            "--transport=nio");

    MockSettings s = options.settings();
    assertThat(options.host()).isEqualTo("0.0.0.0");
    assertThat(options.threads()).isEqualTo(2);
    assertThat(options.maxBodyBytes()).isEqualTo(4096);
    assertThat(options.transport()).isEqualTo("nio");
    assertThat(s.inferenceDelay()).isEqualTo(DelayRange.NONE);
    assertThat(s.failureRate()).isEqualTo(0.25);
    assertThat(s.failureStatus()).isEqualTo(503);
    assertThat(s.failHealth()).isTrue();
    assertThat(s.mode()).isEqualTo(Mode.RATE_LIMITED);
    assertThat(s.retryAfterSeconds()).isEqualTo(3);
    assertThat(s.tokensUsed()).isEqualTo(9);
    assertThat(s.streamChunks()).isEqualTo(7);
    assertThat(s.streamIntervalMs()).isEqualTo(15);
  }

  @Test
  void inferenceDelayAcceptsARange() {
    assertThat(run("r", "0", "0", "--inference-delay-ms=100-200").settings().inferenceDelay())
        .isEqualTo(new DelayRange(100, 200));
  }

  @Test
  void helpPrintsUsageAndExitsZero() {
    CommandLine.Result result = CommandLine.parse("--help");

    assertThat(result).isInstanceOf(CommandLine.Help.class);
    assertThat(result.exitCode()).isZero();
    assertThat(((CommandLine.Help) result).text())
        .contains("REGION PORT LATENCY_MS", "--failure-rate", "/admin/config");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "no arguments                |                                      | expected REGION PORT LATENCY_MS",
        "two positionals             | r 80                                 | expected REGION PORT LATENCY_MS",
        "port not a number           | r http 10                            | PORT must be an integer",
        "port out of range           | r 70000 10                           | port must be 0..65535",
        "negative latency            | r 80 -5                              | latencyMs must be",
        "bad region name             | bad/name 80 10                       | region must be",
        "unknown option              | r 80 10 --colour=red                 | unknown option --colour",
        "option without value        | r 80 10 --mode                       | --mode needs a value",
        "failure rate above one      | r 80 10 --failure-rate=2             | failureRate must be between 0 and 1",
        "failure status not an error | r 80 10 --failure-status=200         | failureStatus must be 400..599",
        "unknown mode                | r 80 10 --mode=sleepy                | unknown mode 'sleepy'",
        "reversed range              | r 80 10 --inference-delay-ms=9-1     | delay must be",
        "bad transport               | r 80 10 --transport=io_uring         | transport must be auto, epoll or nio",
        "option given twice          | r 80 10 --threads=1 --threads=2      | --threads given twice",
      })
  void badArgumentsGiveUsageAndExitCodeTwo(String description, String args, String message) {
    String[] argv = args == null ? new String[0] : args.trim().split("\\s+");

    CommandLine.Result result = CommandLine.parse(argv);

    assertThat(result).isInstanceOf(CommandLine.Invalid.class);
    CommandLine.Invalid invalid = (CommandLine.Invalid) result;
    assertThat(invalid.exitCode()).isEqualTo(2);
    assertThat(invalid.message()).contains(message);
    assertThat(invalid.usage())
        .startsWith("usage: java -jar mock-region.jar REGION PORT LATENCY_MS");
  }

  private static MockRegionOptions run(String... args) {
    CommandLine.Result result = CommandLine.parse(args);
    assertThat(result).isInstanceOf(CommandLine.Run.class);
    return ((CommandLine.Run) result).options();
  }
}
