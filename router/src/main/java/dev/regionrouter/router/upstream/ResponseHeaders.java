package dev.regionrouter.router.upstream;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An answer's headers as the interface's map (names in lower case), built on first use: a good
 * inference answer is read without looking at its headers.
 */
final class ResponseHeaders extends AbstractMap<String, List<String>> {
  private final HttpHeaders headers;
  private Map<String, List<String>> built;

  ResponseHeaders(HttpHeaders headers) {
    this.headers = headers;
  }

  @Override
  public Set<Map.Entry<String, List<String>>> entrySet() {
    if (built == null) {
      Map<String, List<String>> map = new LinkedHashMap<>();
      for (String name : headers.names()) {
        map.put(name.toLowerCase(Locale.ROOT), headers.getAll(name));
      }
      built = Collections.unmodifiableMap(map);
    }
    return built.entrySet();
  }
}
