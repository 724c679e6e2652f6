package dev.regionrouter.router.selection;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kubernetes-style label selector over a region's labels (the InferenceRegion's metadata.labels):
 * {@code geo=eu,tier!=batch}, {@code geo in (eu, ch)}, {@code geo notin (us)}, {@code gpu} (has the
 * label), {@code !preview} (has not). Requirements are ANDed. As in Kubernetes, {@code !=} and
 * {@code notin} also match a region that has no such label.
 */
public final class LabelSelector {

  private static final String KEY = "[A-Za-z0-9]([A-Za-z0-9._/-]{0,251}[A-Za-z0-9])?";
  private static final String VALUE = "([A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?)?";
  private static final Pattern EQUALS =
      Pattern.compile("(" + KEY + ")\\s*(==|=|!=)\\s*(" + VALUE + ")");
  private static final Pattern SET =
      Pattern.compile("(" + KEY + ")\\s+(in|notin)\\s*\\(([^()]*)\\)");
  private static final Pattern EXISTS = Pattern.compile("(!?)\\s*(" + KEY + ")");
  private static final Pattern VALUE_ONLY = Pattern.compile(VALUE);

  private enum Op {
    IN,
    NOT_IN,
    EXISTS,
    NOT_EXISTS
  }

  private record Requirement(String key, Op op, Set<String> values) {
    boolean matches(Map<String, String> labels) {
      String value = labels.get(key);
      return switch (op) {
        case IN -> value != null && values.contains(value);
        case NOT_IN -> value == null || !values.contains(value);
        case EXISTS -> value != null;
        case NOT_EXISTS -> value == null;
      };
    }
  }

  private final String text;
  private final List<Requirement> requirements;

  private LabelSelector(String text, List<Requirement> requirements) {
    this.text = text;
    this.requirements = List.copyOf(requirements);
  }

  /** Parses a selector; IllegalArgumentException says what is wrong. */
  public static LabelSelector parse(String text) {
    String trimmed = text.trim();
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException("empty label selector");
    }
    List<Requirement> requirements = new ArrayList<>();
    for (String part : splitTopLevel(trimmed)) {
      requirements.add(requirement(part.trim()));
    }
    return new LabelSelector(trimmed, requirements);
  }

  private static Requirement requirement(String part) {
    Matcher m = SET.matcher(part);
    if (m.matches()) {
      Set<String> values = new LinkedHashSet<>();
      for (String v : m.group(4).split(",")) {
        String value = v.trim();
        if (!VALUE_ONLY.matcher(value).matches()) {
          throw new IllegalArgumentException(
              "invalid label value '" + value + "' in '" + part + "'");
        }
        values.add(value);
      }
      return new Requirement(m.group(1), m.group(3).equals("in") ? Op.IN : Op.NOT_IN, values);
    }
    m = EQUALS.matcher(part);
    if (m.matches()) {
      return new Requirement(
          m.group(1), m.group(3).equals("!=") ? Op.NOT_IN : Op.IN, Set.of(m.group(4)));
    }
    m = EXISTS.matcher(part);
    if (m.matches()) {
      return new Requirement(
          m.group(2), m.group(1).isEmpty() ? Op.EXISTS : Op.NOT_EXISTS, Set.of());
    }
    throw new IllegalArgumentException("invalid label selector requirement '" + part + "'");
  }

  /** Splits on commas outside parentheses. */
  private static List<String> splitTopLevel(String text) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
        if (depth < 0) {
          throw new IllegalArgumentException("unbalanced ')' in label selector");
        }
      } else if (c == ',' && depth == 0) {
        parts.add(text.substring(start, i));
        start = i + 1;
      }
    }
    if (depth != 0) {
      throw new IllegalArgumentException("unbalanced '(' in label selector");
    }
    parts.add(text.substring(start));
    return parts;
  }

  public boolean matches(Map<String, String> labels) {
    Map<String, String> l = labels == null ? Map.of() : labels;
    for (Requirement r : requirements) {
      if (!r.matches(l)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return text;
  }
}
