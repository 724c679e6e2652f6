package dev.regionrouter.helm.chart;

import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Flattens RBAC rules into one permission per line ("apiGroup resource verb [names]"), so a test
 * can state the exact set of permissions a role grants and see any extra one in the diff.
 */
public final class Rbac {

  private Rbac() {}

  public static SortedSet<String> permissions(Map<String, Object> role) {
    SortedSet<String> permissions = new TreeSet<>();
    for (Map<String, Object> rule : Tree.list(role, "rules")) {
      List<String> groups = strings(rule.get("apiGroups"));
      List<String> resources = strings(rule.get("resources"));
      List<String> verbs = strings(rule.get("verbs"));
      List<String> names = strings(rule.get("resourceNames"));
      for (String group : groups) {
        for (String resource : resources) {
          for (String verb : verbs) {
            String line = (group.isEmpty() ? "core" : group) + " " + resource + " " + verb;
            permissions.add(names.isEmpty() ? line : line + " " + String.join(",", names));
          }
        }
      }
    }
    return permissions;
  }

  @SuppressWarnings("unchecked")
  private static List<String> strings(Object value) {
    return value == null ? List.of() : (List<String>) value;
  }
}
