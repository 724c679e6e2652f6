package dev.regionrouter.helm.chart;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The objects of one `helm template` run, parsed from its multi-document YAML, with look-ups by
 * kind and name so that tests assert on objects rather than on text.
 */
public final class RenderedChart {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private final String yaml;
  private final List<Map<String, Object>> objects;

  private RenderedChart(String yaml, List<Map<String, Object>> objects) {
    this.yaml = yaml;
    this.objects = objects;
  }

  public static RenderedChart parse(String yaml) {
    List<Map<String, Object>> objects = new ArrayList<>();
    try (YAMLParser parser = new YAMLFactory().createParser(yaml);
        MappingIterator<Object> docs = YAML.readerFor(Object.class).readValues(parser)) {
      while (docs.hasNext()) {
        // empty documents (templates whose condition is off, comment-only parts) are null
        if (docs.next() instanceof Map<?, ?> doc && !doc.isEmpty()) {
          @SuppressWarnings("unchecked")
          Map<String, Object> object = (Map<String, Object>) doc;
          objects.add(object);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("helm template produced invalid YAML:\n" + yaml, e);
    }
    return new RenderedChart(yaml, List.copyOf(objects));
  }

  public String yaml() {
    return yaml;
  }

  public List<Map<String, Object>> objects() {
    return objects;
  }

  public List<Map<String, Object>> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
  }

  public Optional<Map<String, Object>> find(String kind, String name) {
    return ofKind(kind).stream().filter(o -> name.equals(Tree.at(o, "metadata.name"))).findFirst();
  }

  public Map<String, Object> get(String kind, String name) {
    return find(kind, name)
        .orElseThrow(
            () -> new AssertionError("no " + kind + " named " + name + " in:\n" + kindsAndNames()));
  }

  public Map<String, Object> get(String kind, String namespace, String name) {
    return ofKind(kind).stream()
        .filter(o -> name.equals(Tree.at(o, "metadata.name")))
        .filter(o -> Objects.equals(namespace, Tree.at(o, "metadata.namespace")))
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "no " + kind + " " + namespace + "/" + name + " in:\n" + kindsAndNames()));
  }

  /** "Kind namespace/name" of every object, sorted: the shape of a rendering at a glance. */
  public List<String> kindsAndNames() {
    return objects.stream()
        .map(
            o ->
                o.get("kind")
                    + " "
                    + Optional.ofNullable(Tree.at(o, "metadata.namespace"))
                        .map(n -> n + "/")
                        .orElse("")
                    + Tree.at(o, "metadata.name"))
        .sorted()
        .toList();
  }

  /** An object as JSON, for failure messages. */
  public static String json(Object o) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o);
    } catch (IOException e) {
      return String.valueOf(o);
    }
  }
}
