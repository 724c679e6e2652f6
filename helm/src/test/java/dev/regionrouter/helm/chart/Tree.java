package dev.regionrouter.helm.chart;

import java.util.List;
import java.util.Map;

/** Reads a dotted path ("spec.template.spec.containers") out of a parsed YAML tree. */
public final class Tree {

  private Tree() {}

  @SuppressWarnings("unchecked")
  public static <T> T at(Object root, String path) {
    Object node = root;
    for (String key : path.split("\\.")) {
      if (node instanceof Map<?, ?> map) {
        node = map.get(key);
      } else if (node instanceof List<?> list && key.matches("\\d+")) {
        int index = Integer.parseInt(key);
        node = index < list.size() ? list.get(index) : null;
      } else {
        return null;
      }
      if (node == null) {
        return null;
      }
    }
    return (T) node;
  }

  public static Map<String, Object> map(Object root, String path) {
    Map<String, Object> map = at(root, path);
    if (map == null) {
      throw new AssertionError("no object at " + path + " in " + RenderedChart.json(root));
    }
    return map;
  }

  public static List<Map<String, Object>> list(Object root, String path) {
    List<Map<String, Object>> list = at(root, path);
    if (list == null) {
      throw new AssertionError("no list at " + path + " in " + RenderedChart.json(root));
    }
    return list;
  }
}
