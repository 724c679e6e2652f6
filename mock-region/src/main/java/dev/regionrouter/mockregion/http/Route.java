package dev.regionrouter.mockregion.http;

import io.netty.handler.codec.http.HttpMethod;

/** The paths the mock serves; anything else is {@link #UNKNOWN} (404, counted as "other"). */
enum Route {
  HEALTH("/health", HttpMethod.GET, false, false),
  INFERENCE("/v1/inference", HttpMethod.POST, true, false),
  CHAT_COMPLETIONS("/v1/chat/completions", HttpMethod.POST, true, false),
  COMPLETIONS("/v1/completions", HttpMethod.POST, true, false),
  EMBEDDINGS("/v1/embeddings", HttpMethod.POST, true, false),
  ADMIN_CONFIG("/admin/config", null, false, true),
  ADMIN_STATS("/admin/stats", HttpMethod.GET, false, true),
  ADMIN_STATS_RESET("/admin/stats/reset", HttpMethod.POST, false, true),
  UNKNOWN("other", null, false, false);

  /** The path, and the key of this route in the stats. */
  final String path;

  /** The one method served, or null when the route checks methods itself. */
  final HttpMethod method;

  /** Subject to the inference delay, the failure rate and rate limiting. */
  final boolean inference;

  /** Answers at once whatever the mode, and is not counted in the stats. */
  final boolean admin;

  Route(String path, HttpMethod method, boolean inference, boolean admin) {
    this.path = path;
    this.method = method;
    this.inference = inference;
    this.admin = admin;
  }

  static Route of(String uri) {
    int query = uri.indexOf('?');
    String path = query < 0 ? uri : uri.substring(0, query);
    return switch (path) {
      case "/health" -> HEALTH;
      case "/v1/inference" -> INFERENCE;
      case "/v1/chat/completions" -> CHAT_COMPLETIONS;
      case "/v1/completions" -> COMPLETIONS;
      case "/v1/embeddings" -> EMBEDDINGS;
      case "/admin/config" -> ADMIN_CONFIG;
      case "/admin/stats" -> ADMIN_STATS;
      case "/admin/stats/reset" -> ADMIN_STATS_RESET;
      default -> UNKNOWN;
    };
  }
}
