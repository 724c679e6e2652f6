package dev.regionrouter.router.edge;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Jackson 2 for the router's own JSON (bodies it parses, relays and writes); Spring WebFlux keeps
 * Jackson 3 for its own endpoints.
 */
public final class Json {

  /** Thread-safe once configured; never reconfigured after class initialisation. */
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}
}
