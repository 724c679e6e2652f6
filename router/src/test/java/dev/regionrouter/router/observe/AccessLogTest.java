package dev.regionrouter.router.observe;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class AccessLogTest {

  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(AccessLog.LOGGER);
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  @BeforeEach
  void capture() {
    lines.start();
    logger.addAppender(lines);
  }

  @AfterEach
  void release() {
    logger.detachAppender(lines);
  }

  private static RequestRecord served(String region) {
    return new RequestRecord(
        Instant.parse("2026-12-03T21:00:00Z"),
        "POST",
        "/v1/inference",
        200,
        region,
        2,
        12_345_678,
        100,
        0.032,
        "4bf92f3577b34da6a3ce929d0e0e4736",
        false);
  }

  @Test
  void oneLinePerRequestWithRegionAttemptsStatusDurationTokensCostAndTrace() {
    new AccessLog(true, 100, nanos::get).record(served("ap-south-1"));
    assertThat(lines.list).hasSize(1);
    ILoggingEvent line = lines.list.get(0);
    assertThat(line.getFormattedMessage())
        .isEqualTo(
            "POST /v1/inference 200 region=ap-south-1 attempts=2 duration_ms=12.346 tokens=100"
                + " cost_usd=0.032 trace_id=4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(line.getKeyValuePairs())
        .extracting(kv -> kv.key + "=" + kv.value)
        .contains(
            "region=ap-south-1",
            "attempts=2",
            "http.response.status_code=200",
            "duration_ms=12.346",
            "tokens=100",
            "cost_usd=0.032",
            "trace.id=4bf92f3577b34da6a3ce929d0e0e4736");
  }

  @Test
  void aRequestNoRegionServedAndAStreamWithoutUsageSayWhatIsKnown() {
    AccessLog log = new AccessLog(true, 100, nanos::get);
    log.record(
        new RequestRecord(
            Instant.EPOCH,
            "POST",
            "/v1/chat/completions",
            503,
            null,
            3,
            1_000_000,
            -1,
            Double.NaN,
            null,
            false));
    assertThat(lines.list.get(0).getFormattedMessage())
        .isEqualTo("POST /v1/chat/completions 503 region=none attempts=3 duration_ms=1.000");
  }

  @Test
  void underLoadAtMostMaxPerSecondLinesAndTheNextLineCountsThoseLeftOut() {
    AccessLog log = new AccessLog(true, 3, nanos::get);
    for (int i = 0; i < 10; i++) {
      log.record(served("r" + i));
    }
    assertThat(lines.list).hasSize(3);
    nanos.addAndGet(1_000_000_000L);
    log.record(served("next"));
    assertThat(lines.list).hasSize(4);
    assertThat(lines.list.get(3).getFormattedMessage()).endsWith(" sampled_out=7");
    log.record(served("again"));
    assertThat(lines.list.get(4).getFormattedMessage()).doesNotContain("sampled_out");
  }

  @Test
  void offByDefaultWritesNothing() {
    new AccessLog(false, 100, nanos::get).record(served("ap-south-1"));
    assertThat(lines.list).isEmpty();
  }
}
