package dev.regionrouter.helm.chart;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds values documents from dotted paths, so a test names exactly the value it changes. */
public final class Values {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final Map<String, Object> root = new LinkedHashMap<>();

  public static Values of(String path, Object value) {
    return new Values().with(path, value);
  }

  @SuppressWarnings("unchecked")
  public Values with(String path, Object value) {
    String[] keys = path.split("\\.");
    Map<String, Object> node = root;
    for (int i = 0; i < keys.length - 1; i++) {
      node = (Map<String, Object>) node.computeIfAbsent(keys[i], k -> new LinkedHashMap<>());
    }
    node.put(keys[keys.length - 1], value);
    return this;
  }

  public String yaml() {
    try {
      return YAML.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return yaml();
  }
}
