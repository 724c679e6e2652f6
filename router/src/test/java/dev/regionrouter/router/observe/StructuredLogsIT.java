package dev.regionrouter.router.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regionrouter.router.support.RouterIT;
import dev.regionrouter.router.support.TestRegion;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.TestPropertySource;

/**
 * The router's logs as documented: {@code logging.structured.format.console=ecs} (Spring Boot's
 * structured logging) writes one ECS JSON object a line, and the opt-in access log ({@code
 * router.access-log.enabled}) adds one line per request with its own fields.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(
    properties = {"logging.structured.format.console=ecs", "router.access-log.enabled=true"})
class StructuredLogsIT extends RouterIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void accessLogLineIsAnEcsJsonObjectWithTheRequestsFields(CapturedOutput output) throws Exception {
    try (TestRegion region = new TestRegion("logged", 0)) {
      String name = fresh("logged");
      useRegions(region(name, region.endpoint(), 1, 0.5));
      assertThat(
              inference(
                      "{\"prompt\":\"hi\",\"max_tokens\":40}",
                      "traceparent",
                      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                  .statusCode())
          .isEqualTo(200);

      JsonNode line =
          await()
              .atMost(Duration.ofSeconds(5))
              .until(() -> accessLine(output, name), l -> l != null);
      assertThat(field(line, "log.level").asText()).isEqualTo("INFO");
      assertThat(field(line, "log.logger").asText()).isEqualTo("dev.regionrouter.router.access");
      assertThat(line.path("message").asText())
          .startsWith("POST /v1/inference 200 region=" + name + " attempts=1 duration_ms=")
          .endsWith("tokens=40 cost_usd=0.02 trace_id=4bf92f3577b34da6a3ce929d0e0e4736");
      assertThat(field(line, "region").asText()).isEqualTo(name);
      assertThat(field(line, "attempts").asInt()).isEqualTo(1);
      assertThat(field(line, "tokens").asInt()).isEqualTo(40);
      assertThat(field(line, "cost_usd").asDouble()).isEqualTo(0.02);
      assertThat(field(line, "duration_ms").asDouble()).isPositive();
      assertThat(field(line, "trace.id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
      assertThat(field(line, "http.response.status_code").asInt()).isEqualTo(200);

      // every line the router wrote meanwhile is JSON too
      List<String> lines = output.getOut().lines().filter(l -> l.startsWith("{")).toList();
      assertThat(lines).isNotEmpty();
      for (String l : lines) {
        assertThat(JSON.readTree(l).has("@timestamp")).as(l).isTrue();
      }
    }
  }

  /** A field, flat ("a.b") or nested (a: {b}) as the formatter writes it. */
  private static JsonNode field(JsonNode line, String name) {
    return line.has(name) ? line.get(name) : line.at("/" + name.replace('.', '/'));
  }

  private static JsonNode accessLine(CapturedOutput output, String region) {
    return output
        .getOut()
        .lines()
        .filter(l -> l.startsWith("{") && l.contains("dev.regionrouter.router.access"))
        .map(StructuredLogsIT::parse)
        .filter(n -> n != null && n.path("message").asText().contains("region=" + region))
        .findFirst()
        .orElse(null);
  }

  private static JsonNode parse(String line) {
    try {
      return JSON.readTree(line);
    } catch (Exception e) {
      return null;
    }
  }
}
