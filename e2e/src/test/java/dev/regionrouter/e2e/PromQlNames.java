package dev.regionrouter.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression reads: what is left of it once strings, label matchers,
 * ranges, grouping clauses, functions, keywords and numbers are taken out. Enough for the
 * dashboard's and the alert rules' queries, not a PromQL parser.
 */
final class PromQlNames {

  private static final Set<String> KEYWORDS =
      Set.of(
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "and",
          "or",
          "unless",
          "bool",
          "offset",
          "inf",
          "nan");
  private static final Pattern IDENTIFIER =
      Pattern.compile("(?<![\\w$.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?");

  private PromQlNames() {}

  static Set<String> of(String expr) {
    String rest =
        expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
            .replaceAll("\\{[^}]*}", " ")
            .replaceAll("\\[[^]]*]", " ")
            .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Set<String> names = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(rest);
    while (m.find()) {
      String word = m.group(1);
      if (m.group(2) == null && !KEYWORDS.contains(word.toLowerCase())) {
        names.add(word);
      }
    }
    return names;
  }

  /** Every metric the dashboard's queries read. */
  static Set<String> inDashboard(Path dashboard) throws IOException {
    Set<String> names = new TreeSet<>();
    for (JsonNode panel : new ObjectMapper().readTree(dashboard.toFile()).path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        names.addAll(of(target.path("expr").asText()));
      }
    }
    return names;
  }

  /** Every metric the alert rules read. */
  static Set<String> inRules(Path rules) throws IOException {
    Set<String> names = new TreeSet<>();
    for (JsonNode group : new YAMLMapper().readTree(rules.toFile()).path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        names.addAll(of(rule.path("expr").asText()));
      }
    }
    return names;
  }

  /** The metric names of a Prometheus text exposition. */
  static Set<String> exported(String scrape) {
    Set<String> names = new TreeSet<>();
    scrape
        .lines()
        .filter(l -> !l.startsWith("#") && !l.isBlank())
        .forEach(l -> names.add(l.split("[{ ]", 2)[0]));
    return names;
  }
}
