package dev.regionrouter.router.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regionrouter.router.support.RouterIT;
import dev.regionrouter.router.support.TestRegion;
import java.io.IOException;
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
 * never has another region's answer written after it. The per-try timeout (3 s) is longer than
 * the hold limit, as in production.
 */
@TestPropertySource(properties = {"router.proxy.try-timeout=3s", "router.proxy.request-timeout=10s"})
class StreamIntegrityIT extends RouterIT {

  private static final Pattern COMPLETION_ID = Pattern.compile("\"id\":\"([^\"]+)\"");
  private static final int CHUNKS = 25;

  private final TestRegion primary = streaming(new TestRegion("primary", 0));
  private final TestRegion fallback = streaming(new TestRegion("fallback", 0));

  @AfterEach
  void stop() {
    primary.close();
    fallback.close();
  }

  /** Short JSON answers at once; a stream of CHUNKS events 80 ms apart (2 s in all), then [DONE]. */
  private static TestRegion streaming(TestRegion region) {
    return region.onOther(exchange -> {
      String body = region.requestBodies().get(region.requestBodies().size() - 1);
      if (!body.contains("\"stream\":true")) {
        TestRegion.send(exchange, 200, "application/json", "{\"id\":\"" + region.name() + "-short\"}");
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      for (int i = 0; i < CHUNKS; i++) {
        out.write(("data: {\"id\":\"" + region.name() + "-stream\",\"n\":" + i + "}\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        Thread.sleep(80); // the region's generation pace, not a wait for an outcome
      }
      out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
      out.close();
    });
  }

  private HttpResponse<String> chat(String body) throws IOException, InterruptedException {
    return CALLER.send(HttpRequest.newBuilder(URI.create(url("/v1/chat/completions")))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aStreamLongerThanTheHoldLimitIsDeliveredWholeFromOneRegion() throws Exception {
    PrimaryAndFallback names = usePrimaryAndFallback(primary, fallback);
    for (int i = 0; i < 5; i++) {
      // short answers teach the router the primary's usual answer time (a few ms): its hold limit is then 1 s
      assertThat(chat("{\"stream\":false}").statusCode()).isEqualTo(200);
    }

    HttpResponse<String> streamed = chat("{\"stream\":true}");

    assertThat(streamed.statusCode()).isEqualTo(200);
    assertThat(streamed.headers().firstValue("X-Region-Router-Region")).contains(names.primary());
    List<String> ids = COMPLETION_ID.matcher(streamed.body()).results().map(m -> m.group(1)).distinct().toList();
    assertThat(ids).as(streamed.body()).containsExactly("primary-stream");
    Matcher events = Pattern.compile("\"n\":(\\d+)").matcher(streamed.body());
    assertThat(events.results().count()).as(streamed.body()).isEqualTo(CHUNKS);
    assertThat(streamed.body()).endsWith("data: [DONE]\n\n");
    assertThat(fallback.requestBodies()).as("the fallback was never asked").isEmpty();
  }
}
