package dev.regionrouter.router.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TraceContextTest {

  @ParameterizedTest
  @CsvSource({
    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01, 4bf92f3577b34da6a3ce929d0e0e4736",
    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00, 4bf92f3577b34da6a3ce929d0e0e4736",
    "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-later, 4bf92f3577b34da6a3ce929d0e0e4736"
  })
  void wellFormedTraceparentsGiveTheirTraceId(String traceparent, String traceId) {
    assertThat(TraceContext.traceId(traceparent)).isEqualTo(traceId);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "00-zz-00f067aa0ba902b7-01",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"
      })
  void malformedTraceparentsAreNotPassedOn(String traceparent) {
    assertThat(TraceContext.traceId(traceparent)).isNull();
    assertThat(
            TraceContext.forRegion(
                Map.of("traceparent", traceparent, "tracestate", "congo=t61rcWkgMzE")::get))
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"congo=t61rcWkgMzE,rojo=00f067aa0ba902b7"})
  void aValidTraceparentGoesOnWithItsTracestate(String tracestate) {
    String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    assertThat(
            TraceContext.forRegion(
                Map.of("traceparent", traceparent, "tracestate", tracestate)::get))
        .containsExactly(
            Map.entry("traceparent", List.of(traceparent)),
            Map.entry("tracestate", List.of(tracestate)));
  }
}
