package dev.regionrouter.router.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regionrouter.router.support.RouterIT;
import dev.regionrouter.router.support.TestRegion;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * A streamed answer belongs to the region whose bytes reached the caller: a healthy stream that
 * lasts longer than the region's hold limit (1 s, or 4 x its usual answer time) is never cut and
 * never has another region's answer written after it. The per-try timeout (3 s) is longer than the
 * hold limit, as in production.
 *
 * <p>The commit point is a region's first whole event: before it, a region that breaks, or sends
 * its head but no event within the first-byte timeout, is left for the next region and the caller
 * sees nothing of it; after it, a stream the region cuts or stalls ends with an in-band error event
 * and a closed connection, never with [DONE].
 */
@TestPropertySource(
    properties = {
      "router.proxy.try-timeout=3s",
      "router.proxy.request-timeout=10s",
      "router.proxy.first-byte-timeout=1s",
      "router.proxy.stream-idle-timeout=1s"
    })
class StreamIntegrityIT extends RouterIT {

  private static final Pattern COMPLETION_ID = Pattern.compile("\"id\":\"([^\"]+)\"");
  private static final int CHUNKS = 25;
  private static final String CHAT = "/v1/chat/completions";

  private final TestRegion primary = streaming(new TestRegion("primary", 0));
  private final TestRegion fallback = streaming(new TestRegion("fallback", 0));

  @AfterEach
  void stop() {
    primary.close();
    fallback.close();
  }

  /**
   * Short JSON answers at once; a stream of CHUNKS events 80 ms apart (2 s in all), then [DONE].
   */
  private static TestRegion streaming(TestRegion region) {
    return region.onOther(
        exchange -> {
          String body = region.requestBodies().get(region.requestBodies().size() - 1);
          if (!body.contains("\"stream\":true")) {
            TestRegion.send(
                exchange, 200, "application/json", "{\"id\":\"" + region.name() + "-short\"}");
            return;
          }
          exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
          exchange.sendResponseHeaders(200, 0);
          OutputStream out = exchange.getResponseBody();
          for (int i = 0; i < CHUNKS; i++) {
            out.write(
                ("data: {\"id\":\"" + region.name() + "-stream\",\"n\":" + i + "}\n\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            Thread.sleep(80); // the region's generation pace, not a wait for an outcome
          }
          out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
          out.close();
        });
  }

  @Test
  void aStreamLongerThanTheHoldLimitIsDeliveredWholeFromOneRegion() throws Exception {
    PrimaryAndFallback names = usePrimaryAndFallback(primary, fallback);
    for (int i = 0; i < 5; i++) {
      // short answers teach the router the primary's usual answer time (a few ms): its hold limit
      // is then 1 s
      assertThat(post(CHAT, "{\"stream\":false}").statusCode()).isEqualTo(200);
    }

    HttpResponse<String> streamed = post(CHAT, "{\"stream\":true}");

    assertThat(streamed.statusCode()).isEqualTo(200);
    assertThat(streamed.headers().firstValue("X-Region-Router-Region")).contains(names.primary());
    List<String> ids =
        COMPLETION_ID.matcher(streamed.body()).results().map(m -> m.group(1)).distinct().toList();
    assertThat(ids).as(streamed.body()).containsExactly("primary-stream");
    Matcher events = Pattern.compile("\"n\":(\\d+)").matcher(streamed.body());
    assertThat(events.results().count()).as(streamed.body()).isEqualTo(CHUNKS);
    assertThat(streamed.body()).endsWith("data: [DONE]\n\n");
    assertThat(fallback.requestBodies()).as("the fallback was never asked").isEmpty();
  }

  /**
   * A stream handler: sends the head, then the given events 50 ms apart, then does what {@code end}
   * says.
   */
  private static TestRegion.Handler events(int count, String id, Ending end) {
    return exchange -> {
      exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      out.flush();
      for (int i = 0; i < count; i++) {
        out.write(
            ("data: {\"id\":\"" + id + "\",\"n\":" + i + "}\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        Thread.sleep(50); // generation pace
      }
      switch (end) {
        case DONE -> {
          out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
          out.close();
        }
        case CUT ->
            exchange.getHttpContext().getServer().stop(0); // drops the connection mid-stream
        case STALL -> Thread.sleep(20_000); // silent, connection open
      }
    };
  }

  private enum Ending {
    DONE,
    CUT,
    STALL
  }

  @Test
  void aRegionThatSendsItsHeadButNoEventWithinTheFirstByteTimeoutIsLeftForTheNext()
      throws Exception {
    primary.onOther(events(0, "primary-stream", Ending.STALL));
    fallback.onOther(events(3, "fallback-stream", Ending.DONE));
    PrimaryAndFallback names = usePrimaryAndFallback(primary, fallback);

    HttpResponse<String> streamed = post(CHAT, "{\"stream\":true}");

    assertThat(streamed.statusCode()).isEqualTo(200);
    assertThat(streamed.headers().firstValue("X-Region-Router-Region")).contains(names.fallback());
    assertThat(streamed.headers().firstValue("X-Region-Router-Attempts")).contains("2");
    assertThat(streamed.body()).doesNotContain("primary-stream").endsWith("data: [DONE]\n\n");
    assertThat(COMPLETION_ID.matcher(streamed.body()).results().count()).isEqualTo(3);
  }

  @Test
  void aRegionThatBreaksBeforeItsFirstEventIsLeftForTheNext() throws Exception {
    primary.onOther(
        exchange -> {
          exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
          exchange.sendResponseHeaders(200, 0);
          OutputStream out = exchange.getResponseBody();
          out.write(
              "data: {\"id\":\"primary-str"
                  .getBytes(StandardCharsets.UTF_8)); // half an event, then gone
          out.flush();
          exchange.getHttpContext().getServer().stop(0);
        });
    fallback.onOther(events(3, "fallback-stream", Ending.DONE));
    PrimaryAndFallback names = usePrimaryAndFallback(primary, fallback);

    HttpResponse<String> streamed = post(CHAT, "{\"stream\":true}");

    assertThat(streamed.statusCode()).isEqualTo(200);
    assertThat(streamed.headers().firstValue("X-Region-Router-Region")).contains(names.fallback());
    assertThat(streamed.body()).doesNotContain("primary").endsWith("data: [DONE]\n\n");
  }

  @Test
  void aStreamCutAfterItsFirstEventsEndsWithAnErrorEventAndNoDone() throws Exception {
    primary.onOther(events(3, "primary-stream", Ending.CUT));
    PrimaryAndFallback names = usePrimaryAndFallback(primary, fallback);

    String seen = rawPost(CHAT, "{\"stream\":true}");

    assertThat(seen)
        .startsWith("HTTP/1.1 200")
        .contains("X-Region-Router-Region: " + names.primary());
    assertThat(seen)
        .contains("\"n\":2")
        .contains("data: {\"error\":{")
        .contains("\"code\":\"upstream_stream_broken\"");
    assertThat(seen).doesNotContain("[DONE]").doesNotEndWith("0\r\n\r\n");
    assertThat(fallback.requestBodies()).as("nothing of another region after the commit").isEmpty();
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(get("/actuator/prometheus").body())
                    .contains("outcome=\"stream_broken\",region=\"" + names.primary() + "\""));
  }

  @Test
  void aStreamThatStallsAfterItsFirstEventsEndsWithAnErrorEventAtTheIdleTimeout() throws Exception {
    primary.onOther(events(2, "primary-stream", Ending.STALL));
    usePrimaryAndFallback(primary, fallback);

    String seen = rawPost(CHAT, "{\"stream\":true}");

    assertThat(seen).contains("\"n\":1").contains("\"code\":\"upstream_stream_broken\"");
    assertThat(seen).doesNotContain("[DONE]").doesNotEndWith("0\r\n\r\n");
    assertThat(fallback.requestBodies()).isEmpty();
  }

  @Test
  void longStreamsBesideShortCallsEachComeWholeFromOneRegion() throws Exception {
    PrimaryAndFallback names = usePrimaryAndFallback(primary, fallback);
    for (int i = 0; i < 5; i++) {
      assertThat(post(CHAT, "{\"stream\":false}").statusCode()).isEqualTo(200);
    }
    List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> streams =
        new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) {
      streams.add(
          CALLER.sendAsync(
              HttpRequest.newBuilder(URI.create(url("/v1/chat/completions")))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"stream\":true}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    for (int i = 0; i < 20; i++) {
      assertThat(post(CHAT, "{\"stream\":false}").statusCode())
          .isEqualTo(200); // short calls while the streams run
    }
    for (java.util.concurrent.CompletableFuture<HttpResponse<String>> pending : streams) {
      HttpResponse<String> streamed = pending.get(30, java.util.concurrent.TimeUnit.SECONDS);
      String region = streamed.headers().firstValue("X-Region-Router-Region").orElseThrow();
      String id = region.equals(names.primary()) ? "primary-stream" : "fallback-stream";
      assertThat(
              COMPLETION_ID
                  .matcher(streamed.body())
                  .results()
                  .map(m -> m.group(1))
                  .distinct()
                  .toList())
          .as(streamed.body())
          .containsExactly(id);
      assertThat(Pattern.compile("\"n\":").matcher(streamed.body()).results().count())
          .isEqualTo(CHUNKS);
      assertThat(streamed.body()).endsWith("data: [DONE]\n\n");
    }
  }
}
