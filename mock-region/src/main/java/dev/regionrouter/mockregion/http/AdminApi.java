package dev.regionrouter.mockregion.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.regionrouter.mockregion.config.MockSettings;
import dev.regionrouter.mockregion.config.SettingsJson;
import dev.regionrouter.mockregion.config.SettingsStore;
import dev.regionrouter.mockregion.inference.BadRequestException;
import dev.regionrouter.mockregion.inference.Json;
import dev.regionrouter.mockregion.stats.RequestStats;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /admin/config} (GET the settings, POST/PUT/PATCH a JSON object of fields to change) and
 * {@code /admin/stats} (GET counters, POST {@code /admin/stats/reset} to zero them). Always
 * answered at once, whatever the mode, so a test or demo can take the region out of a hang.
 */
final class AdminApi {

  private final String region;
  private final String transport;
  private final SettingsStore settings;
  private final RequestStats stats;
  private final Responses responses;
  private final long startedNanos = System.nanoTime();

  AdminApi(
      String region,
      String transport,
      SettingsStore settings,
      RequestStats stats,
      Responses responses) {
    this.region = region;
    this.transport = transport;
    this.settings = settings;
    this.stats = stats;
    this.responses = responses;
  }

  FullHttpResponse handle(Route route, FullHttpRequest request, ByteBufAllocator alloc) {
    HttpMethod method = request.method();
    return switch (route) {
      case ADMIN_CONFIG -> {
        if (HttpMethod.GET.equals(method)) {
          yield ok(alloc, SettingsJson.toMap(region, settings.current()));
        }
        if (HttpMethod.POST.equals(method)
            || HttpMethod.PUT.equals(method)
            || HttpMethod.PATCH.equals(method)) {
          yield changeConfig(request, alloc);
        }
        yield methodNotAllowed(alloc, "GET, POST, PUT, PATCH");
      }
      case ADMIN_STATS ->
          HttpMethod.GET.equals(method)
              ? ok(alloc, statsDocument())
              : methodNotAllowed(alloc, "GET");
      case ADMIN_STATS_RESET -> {
        if (!HttpMethod.POST.equals(method)) {
          yield methodNotAllowed(alloc, "POST");
        }
        stats.reset();
        yield ok(alloc, statsDocument());
      }
      default -> throw new IllegalArgumentException("not an admin route: " + route);
    };
  }

  private FullHttpResponse changeConfig(FullHttpRequest request, ByteBufAllocator alloc) {
    try {
      JsonNode patch = Json.parseObject(new ByteBufInputStream(request.content()));
      MockSettings updated = settings.update(builder -> SettingsJson.applyPatch(patch, builder));
      return ok(alloc, SettingsJson.toMap(region, updated));
    } catch (BadRequestException e) {
      return responses.error(alloc, HttpResponseStatus.BAD_REQUEST, "bad_request", e.getMessage());
    } catch (IllegalArgumentException | ArithmeticException e) {
      // nothing was changed: the store validates the whole result before swapping it in
      return responses.error(
          alloc, HttpResponseStatus.BAD_REQUEST, "invalid_config", e.getMessage());
    }
  }

  private Map<String, Object> statsDocument() {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("region", region);
    document.put("transport", transport);
    document.put("uptimeSeconds", (System.nanoTime() - startedNanos) / 1_000_000_000L);
    document.putAll(stats.snapshot());
    return document;
  }

  private FullHttpResponse ok(ByteBufAllocator alloc, Object document) {
    return responses.json(alloc, HttpResponseStatus.OK, out -> Json.write(out, document));
  }

  private FullHttpResponse methodNotAllowed(ByteBufAllocator alloc, String allowed) {
    FullHttpResponse response =
        responses.error(
            alloc,
            HttpResponseStatus.METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "allowed: " + allowed);
    response.headers().set(HttpHeaderNames.ALLOW, allowed);
    return response;
  }
}
