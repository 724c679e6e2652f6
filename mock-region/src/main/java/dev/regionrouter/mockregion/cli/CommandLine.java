package dev.regionrouter.mockregion.cli;

import dev.regionrouter.mockregion.MockRegion;
import dev.regionrouter.mockregion.MockRegionOptions;
import dev.regionrouter.mockregion.config.DelayRange;
import dev.regionrouter.mockregion.config.Mode;
import dev.regionrouter.mockregion.config.StreamFault;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code REGION PORT LATENCY_MS [--flag=value ...]}: the reference's three positional arguments,
 * then options. Parsing never exits the JVM; {@link Result#exitCode()} says what the caller should.
 */
public final class CommandLine {

  /** Exit code for bad arguments, as most Unix tools use. */
  public static final int USAGE_EXIT_CODE = 2;

  public sealed interface Result permits Run, Help, Invalid {
    int exitCode();
  }

  /** Arguments are good: start with these options. */
  public record Run(MockRegionOptions options) implements Result {
    @Override
    public int exitCode() {
      return 0;
    }
  }

  /** {@code --help}: print {@link #text()} on stdout and exit 0. */
  public record Help(String text) implements Result {
    @Override
    public int exitCode() {
      return 0;
    }
  }

  /** Bad arguments: print the message and usage on stderr and exit 2. */
  public record Invalid(String message, String usage) implements Result {
    @Override
    public int exitCode() {
      return USAGE_EXIT_CODE;
    }
  }

  public static final String USAGE =
      """
            usage: java -jar mock-region.jar REGION PORT LATENCY_MS [options]

            A simulated regional AI-inference endpoint.
              REGION       region name, reported in answers and the X-Mock-Region header (ap-south-1)
              PORT         port to listen on (0 picks a free one)
              LATENCY_MS   time before GET /health answers

            options (--name=value):
              --host=ADDR                  address to bind (default 127.0.0.1)
              --inference-delay-ms=D       inference time: fixed (250) or a range (500-1500);
                                           default 500-1500, use 0 for benchmarks
              --failure-rate=R             share of inference requests that fail, 0..1 (default 0)
              --failure-status=CODE        status of those failures, 400..599 (default 500)
              --fail-health[=true|false]   apply the failure rate to /health too (default false)
              --mode=MODE                  ok (default), down (503 to everything, /health too),
                                           hang (accept, never answer), reset (drop the connection
                                           with a TCP RST), rate-limited (429 + Retry-After on inference)
              --retry-after-seconds=N      Retry-After of rate-limited answers (default 1)
              --tokens-used=N              report N tokens instead of the request's max_tokens
              --stream-chunks=N            SSE chunks of a streamed completion (default 5)
              --stream-interval-ms=MS      pause between SSE chunks (default 50)
            faults (inference endpoints only; /health stays green):
              --fail-first=N               the first N inference requests fail with --failure-status
                                           (with --failure-status=429: and --retry-after-seconds)
              --fail-for-ms=T              inference fails for T ms after start, then answers (a flap)
              --error-code=CODE            error.code of injected failures (context_length_exceeded)
              --stream-fault=F             after --stream-fault-after events of a streamed completion:
                                           cut (TCP RST), stall (silent, open), malformed (an event
                                           that is not JSON), no-done (ends without data: [DONE])
              --stream-fault-after=N       events before the stream fault (default 0)
              --fault-model=M              faults apply only to requests whose "model" is M
              --threads=N                  event-loop threads (default: one per processor)
              --max-body-bytes=N           larger bodies get 413 (default 1048576)
              --transport=T                auto (epoll when available, default), epoll or nio
              --help                       this text

            endpoints: GET /health, POST /v1/inference, POST /v1/chat/completions (\"stream\":true for SSE),
            POST /v1/completions, POST /v1/embeddings; admin (always answers at once):
            GET|POST /admin/config, GET /admin/stats, POST /admin/stats/reset.
            """;

  private CommandLine() {}

  public static Result parse(String... args) {
    List<String> positional = new ArrayList<>();
    List<String> flags = new ArrayList<>();
    for (String arg : args) {
      if (arg.equals("--help") || arg.equals("-h")) {
        return new Help(USAGE);
      }
      if (arg.startsWith("--")) {
        flags.add(arg);
      } else {
        positional.add(arg);
      }
    }
    if (positional.size() != 3) {
      return invalid(
          "expected REGION PORT LATENCY_MS, got " + positional.size() + " positional argument(s)");
    }
    try {
      MockRegion.Builder builder =
          MockRegion.builder(positional.get(0))
              .port(intArg("PORT", positional.get(1)))
              .latencyMs(longArg("LATENCY_MS", positional.get(2)));
      Set<String> seen = new HashSet<>();
      for (String flag : flags) {
        int equals = flag.indexOf('=');
        String name = equals < 0 ? flag.substring(2) : flag.substring(2, equals);
        String value = equals < 0 ? null : flag.substring(equals + 1);
        if (!seen.add(name)) {
          return invalid("--" + name + " given twice");
        }
        apply(builder, name, value);
      }
      return new Run(builder.options());
    } catch (IllegalArgumentException e) {
      return invalid(e.getMessage());
    }
  }

  private static void apply(MockRegion.Builder builder, String name, String value) {
    if (name.equals("fail-health")) {
      builder.failHealth(value == null || bool(name, value));
      return;
    }
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("--" + name + " needs a value (--" + name + "=...)");
    }
    switch (name) {
      case "host" -> builder.host(value);
      case "inference-delay-ms" -> builder.inferenceDelay(DelayRange.parse(value));
      case "failure-rate" -> builder.failureRate(doubleArg(name, value));
      case "failure-status" -> builder.failureStatus(intArg(name, value));
      case "mode" -> builder.mode(Mode.parse(value));
      case "retry-after-seconds" -> builder.retryAfterSeconds(intArg(name, value));
      case "tokens-used" -> builder.tokensUsed(intArg(name, value));
      case "stream-chunks" -> builder.streamChunks(intArg(name, value));
      case "stream-interval-ms" -> builder.streamIntervalMs(longArg(name, value));
      case "fail-first" -> builder.settings(s -> s.failFirst(intArg(name, value)));
      case "fail-for-ms" -> builder.settings(s -> s.failForMs(longArg(name, value)));
      case "error-code" -> builder.settings(s -> s.errorCode(value));
      case "stream-fault" -> builder.settings(s -> s.streamFault(StreamFault.parse(value)));
      case "stream-fault-after" -> builder.settings(s -> s.streamFaultAfter(intArg(name, value)));
      case "fault-model" -> builder.settings(s -> s.faultModel(value));
      case "threads" -> builder.threads(intArg(name, value));
      case "max-body-bytes" -> builder.maxBodyBytes(intArg(name, value));
      case "transport" -> builder.transport(value.toLowerCase(Locale.ROOT));
      default -> throw new IllegalArgumentException("unknown option --" + name);
    }
  }

  private static Invalid invalid(String message) {
    return new Invalid(message, USAGE);
  }

  private static int intArg(String name, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, got '" + value + "'");
    }
  }

  private static long longArg(String name, String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, got '" + value + "'");
    }
  }

  private static double doubleArg(String name, String value) {
    try {
      return Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number, got '" + value + "'");
    }
  }

  private static boolean bool(String name, String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "1" -> true;
      case "false", "no", "0" -> false;
      default ->
          throw new IllegalArgumentException(
              "--" + name + " must be true or false, got '" + value + "'");
    };
  }
}
