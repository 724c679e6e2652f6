package dev.regionrouter.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a ServiceAccount may do according to rendered Roles, ClusterRoles and their bindings, one
 * grant per (scope, group, resource, verb, name). A Role bound by a RoleBinding grants in the
 * binding's namespace; a ClusterRole bound by a ClusterRoleBinding grants everywhere.
 */
final class RbacGrants {

  /**
   * @param namespace null: cluster-wide (also allows requests across all namespaces)
   * @param name null: any object
   */
  record Grant(String namespace, String group, String resource, String verb, String name) {

    boolean allows(ApiCall call) {
      return (namespace == null || namespace.equals(call.namespace()))
          && group.equals(call.group())
          && resource.equals(call.resource())
          && verb.equals(call.verb())
          && (name == null || name.equals(call.name()));
    }

    @Override
    public String toString() {
      return (namespace == null ? "(cluster)" : namespace)
          + " "
          + (group.isEmpty() ? "core" : group)
          + " "
          + resource
          + " "
          + verb
          + (name == null ? "" : " " + name);
    }
  }

  private RbacGrants() {}

  /** Every grant the rendered objects give to the ServiceAccount {@code namespace/account}. */
  static List<Grant> of(List<Map<String, Object>> objects, String namespace, String account) {
    List<Grant> grants = new ArrayList<>();
    for (Map<String, Object> binding : objects) {
      String kind = (String) binding.get("kind");
      if (!"RoleBinding".equals(kind) && !"ClusterRoleBinding".equals(kind)) {
        continue;
      }
      boolean forAccount =
          list(binding, "subjects").stream()
              .anyMatch(
                  s ->
                      "ServiceAccount".equals(s.get("kind"))
                          && account.equals(s.get("name"))
                          && namespace.equals(s.get("namespace")));
      if (!forAccount) {
        continue;
      }
      String bindingNamespace =
          "RoleBinding".equals(kind) ? (String) metadata(binding).get("namespace") : null;
      @SuppressWarnings("unchecked")
      Map<String, Object> ref = (Map<String, Object>) binding.get("roleRef");
      Map<String, Object> role = find(objects, (String) ref.get("kind"), bindingNamespace, ref);
      for (Map<String, Object> rule : list(role, "rules")) {
        for (String group : strings(rule, "apiGroups")) {
          for (String resource : strings(rule, "resources")) {
            for (String verb : strings(rule, "verbs")) {
              List<String> names = strings(rule, "resourceNames");
              if (names.isEmpty()) {
                grants.add(new Grant(bindingNamespace, group, resource, verb, null));
              }
              for (String name : names) {
                grants.add(new Grant(bindingNamespace, group, resource, verb, name));
              }
            }
          }
        }
      }
    }
    return grants;
  }

  private static Map<String, Object> find(
      List<Map<String, Object>> objects, String kind, String namespace, Map<String, Object> ref) {
    return objects.stream()
        .filter(o -> kind.equals(o.get("kind")))
        .filter(o -> ref.get("name").equals(metadata(o).get("name")))
        .filter(o -> "ClusterRole".equals(kind) || namespace.equals(metadata(o).get("namespace")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("binding refers to a missing " + kind + " " + ref));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> metadata(Map<String, Object> object) {
    return (Map<String, Object>) object.get("metadata");
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Map<String, Object> object, String key) {
    Object value = object.get(key);
    return value == null ? List.of() : (List<Map<String, Object>>) value;
  }

  @SuppressWarnings("unchecked")
  private static List<String> strings(Map<String, Object> object, String key) {
    Object value = object.get(key);
    return value == null ? List.of() : (List<String>) value;
  }
}
