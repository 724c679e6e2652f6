package dev.regionrouter.router.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.regionrouter.router.health.HealthRegistry;
import dev.regionrouter.router.support.RawRegion;
import dev.regionrouter.router.support.RouterIT;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * A caller that goes away mid-request takes its region call with it: the router closes the region's
 * connection at once (not at the per-try timeout, 30 s here), frees the region's in-flight slot,
 * and does not count the region as failed. Both for /v1/inference (waiting for a region that hangs)
 * and for a relayed stream (a region that stalls after its first event).
 */
@TestPropertySource(
    properties = {
      "router.proxy.try-timeout=30s",
      "router.proxy.request-timeout=60s",
      "router.proxy.stream-idle-timeout=30s"
    })
class CallerDisconnectIT extends RouterIT {

  @Autowired HealthRegistry health;

  private RawRegion region;

  @AfterEach
  void stop() throws Exception {
    if (region != null) {
      region.close();
    }
  }

  @Test
  void aCallerLeavingWhileTheRegionHangsCancelsTheRegionCall() throws Exception {
    region = new RawRegion(RawRegion.Fault.HANG);
    String name = fresh("hang");
    useRegions(region(name, region.endpoint(), 1, 0.1));
    try (Socket caller = new Socket("127.0.0.1", port)) {
      send(caller, "POST /v1/inference", "application/json", "{\"prompt\":\"hello\"}");
      await().atMost(Duration.ofSeconds(5)).until(() -> health.get(name).view().inFlight() == 1);
    } // the caller hangs up
    await().atMost(Duration.ofSeconds(5)).until(() -> region.closedByRouter() == 1);
    await().atMost(Duration.ofSeconds(5)).until(() -> health.get(name).view().inFlight() == 0);
    assertThat(health.get(name).view().failureCount())
        .as("the caller's leaving is not the region's fault")
        .isZero();
  }

  @Test
  void aCallerLeavingMidStreamClosesTheRegionStream() throws Exception {
    region = new RawRegion(RawRegion.Fault.STALL_MID_STREAM);
    String name = fresh("stall");
    useRegions(region(name, region.endpoint(), 1, 0.1));
    try (Socket caller = new Socket("127.0.0.1", port)) {
      send(caller, "POST /v1/chat/completions", "application/json", "{\"stream\":true}");
      caller.setSoTimeout(5_000);
      InputStream in = caller.getInputStream();
      StringBuilder seen = new StringBuilder();
      while (!seen.toString().contains("chunk")) {
        int b = in.read();
        assertThat(b).as("the first event arrives").isNotNegative();
        seen.append((char) b);
      }
      assertThat(seen.toString()).startsWith("HTTP/1.1 200");
    } // the caller hangs up while the region is silent
    await().atMost(Duration.ofSeconds(5)).until(() -> region.closedByRouter() == 1);
    await().atMost(Duration.ofSeconds(5)).until(() -> health.get(name).view().inFlight() == 0);
  }

  private static void send(Socket caller, String requestLine, String contentType, String body)
      throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    caller
        .getOutputStream()
        .write(
            (requestLine
                    + " HTTP/1.1\r\nHost: router\r\nContent-Type: "
                    + contentType
                    + "\r\nContent-Length: "
                    + bytes.length
                    + "\r\n\r\n"
                    + body)
                .getBytes(StandardCharsets.UTF_8));
    caller.getOutputStream().flush();
  }
}
