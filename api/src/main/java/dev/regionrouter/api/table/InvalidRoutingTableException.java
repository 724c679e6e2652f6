package dev.regionrouter.api.table;

import java.util.List;

/** A routing-table document that cannot be used; {@link #problems()} says why, one line each. */
public class InvalidRoutingTableException extends RuntimeException {

  private final List<String> problems;

  public InvalidRoutingTableException(List<String> problems) {
    super("invalid routing table: " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public InvalidRoutingTableException(String problem, Throwable cause) {
    super("invalid routing table: " + problem, cause);
    this.problems = List.of(problem);
  }

  public List<String> problems() {
    return problems;
  }
}
