package dev.regionrouter.mockregion.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What goes wrong in a streamed completion after {@code streamFaultAfter} events. */
public enum StreamFault {
  /** Nothing: every event, then {@code data: [DONE]}. */
  NONE("none"),
  /** The connection is dropped (TCP RST) after the events: a region that crashed mid-answer. */
  CUT("cut"),
  /** Nothing more is sent and the connection stays open: a region stuck mid-answer. */
  STALL("stall"),
  /** The next event is not JSON ({@code data: {"choices": [}), then the stream goes on. */
  MALFORMED("malformed"),
  /**
   * The events end cleanly, but without {@code data: [DONE]}: a stream cut short by a proxy or
   * server.
   */
  NO_DONE("no-done");

  private final String wireName;

  StreamFault(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static StreamFault parse(String text) {
    String wanted = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    for (StreamFault fault : values()) {
      if (fault.wireName.equals(wanted)) {
        return fault;
      }
    }
    throw new IllegalArgumentException(
        "unknown stream fault '"
            + text
            + "' (one of "
            + Arrays.stream(values()).map(StreamFault::wireName).collect(Collectors.joining(", "))
            + ")");
  }

  @Override
  public String toString() {
    return wireName;
  }
}
