package dev.regionrouter.router.exchange;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;

/**
 * Reads a provider's error answer ({@code {"error":{"code": ...}}}, the OpenAI shape, which Azure
 * OpenAI and most compatible servers share) to tell an error that another region may not share (a
 * context too long for this region's model) from the caller's own.
 */
public final class ProviderError {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<String> regionSpecificCodes;

  public ProviderError(List<String> regionSpecificCodes) {
    this.regionSpecificCodes = List.copyOf(regionSpecificCodes);
  }

  /**
   * Whether a 4xx answer (other than 429) with this body means another region may serve the
   * request.
   */
  public boolean regionSpecific(int status, byte[] body) {
    if (regionSpecificCodes.isEmpty()
        || status < 400
        || status >= 500
        || status == 429
        || body == null) {
      return false;
    }
    String code = code(body);
    return code != null && regionSpecificCodes.contains(code);
  }

  /** error.code of the body, or null when it has none (or is not JSON). */
  static String code(byte[] body) {
    try {
      JsonNode code = JSON.readTree(body).path("error").path("code");
      return code.isTextual() ? code.asText() : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
