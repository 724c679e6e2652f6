package dev.regionrouter.e2e;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * One request to the API server as RBAC sees it: namespace (null for a cluster-wide request), API
 * group, resource (with its subresource, {@code inferenceregions/status}), verb, and the object's
 * name (for list and watch: the name a {@code metadata.name} field selector limits them to).
 *
 * @param client which client sent it (the bearer token of its kubeconfig)
 */
record ApiCall(
    String client, String namespace, String group, String resource, String verb, String name) {

  /**
   * The RBAC view of an HTTP request; empty for a non-resource URL (discovery, /version), which
   * every authenticated client may read (system:discovery).
   */
  static Optional<ApiCall> of(String client, String method, String pathAndQuery) {
    int q = pathAndQuery.indexOf('?');
    String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    String query = q < 0 ? "" : pathAndQuery.substring(q + 1);
    String[] parts = path.replaceAll("^/+", "").split("/");
    int rest;
    String group;
    if (parts.length >= 3 && parts[0].equals("api")) {
      group = "";
      rest = 2;
    } else if (parts.length >= 4 && parts[0].equals("apis")) {
      group = parts[1];
      rest = 3;
    } else {
      return Optional.empty();
    }
    String namespace = null;
    if (parts[rest].equals("namespaces") && parts.length > rest + 2) {
      namespace = parts[rest + 1];
      rest += 2;
    }
    String resource = parts[rest];
    String name = parts.length > rest + 1 ? parts[rest + 1] : null;
    if (parts.length > rest + 2) {
      resource = resource + "/" + parts[rest + 2];
    }
    String verb =
        switch (method) {
          case "GET" ->
              name != null
                  ? "get"
                  : param(query, "watch").filter(w -> !w.equals("false")).isPresent()
                      ? "watch"
                      : "list";
          case "POST" -> "create";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> name != null ? "delete" : "deletecollection";
          default -> method.toLowerCase();
        };
    if (name == null) {
      name =
          param(query, "fieldSelector")
              .filter(s -> s.startsWith("metadata.name="))
              .map(s -> s.substring("metadata.name=".length()))
              .orElse(null);
    }
    return Optional.of(new ApiCall(client, namespace, group, resource, verb, name));
  }

  private static Optional<String> param(String query, String key) {
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(key)) {
        return Optional.of(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return Optional.empty();
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
