package dev.regionrouter.router.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusPageTest {

  private static final Instant NOW = Instant.parse("2026-12-03T21:00:00Z");

  private static StatusPageModel.Region region(String name, String state, boolean available) {
    List<RecentActivity.Point> empty =
        Collections.nCopies(
            RecentActivity.BUCKETS, new RecentActivity.Point(0, 0, Double.NaN, Double.NaN, 0));
    return new StatusPageModel.Region(
        name,
        "aws",
        "http://127.0.0.1:1",
        1,
        0.32,
        state,
        available,
        54.5,
        null,
        0,
        0,
        null,
        3,
        1.545,
        List.of(new StatusPageModel.ScorePart("priority", "1")),
        "chosen",
        "lowest score",
        empty,
        empty,
        0.5);
  }

  private static StatusPageModel model(List<StatusPageModel.Region> regions, int refresh) {
    return new StatusPageModel(
        NOW,
        new StatusPageModel.Table("file:regions.yaml", true, 4, NOW.minusSeconds(30), false, null),
        regions,
        new StatusPageModel.Decision(NOW, "priority-latency", "ap-south-1", "lowest score"),
        List.of(
            new RequestRecord(
                NOW,
                "POST",
                "/v1/inference",
                200,
                "ap-south-1",
                1,
                5_000_000,
                100,
                0.032,
                null,
                false)),
        2,
        refresh);
  }

  @Test
  void pageIsSelfContainedWithoutScriptOrAnythingFetched() {
    String html = StatusPage.render(model(List.of(region("ap-south-1", "up", true)), 5));
    assertThat(html)
        .doesNotContain("<script")
        .doesNotContain("src=")
        .doesNotContain("<link")
        .doesNotContain("@import")
        .contains("<meta http-equiv=\"refresh\" content=\"5\">")
        .contains("data-region=\"ap-south-1\"")
        .contains("<b id=\"generation\">4</b>")
        .contains("<svg class=\"spark\"");
    assertThat(html.replaceAll("href=\"/[^\"]*\"", "")).doesNotContain("href=");
  }

  @Test
  void everyValueIsEscaped() {
    String html =
        StatusPage.render(model(List.of(region("<img src=x onerror=alert(1)>", "up", true)), 0));
    assertThat(html)
        .doesNotContain("<img")
        .contains("&lt;img src=x onerror=alert(1)&gt;")
        .doesNotContain("http-equiv=\"refresh\"");
  }

  @Test
  void aRegionThatIsDownIsMarkedSo() {
    String html = StatusPage.render(model(List.of(region("me-south-1", "ejected", false)), 5));
    assertThat(html)
        .contains("<tr class=\"region down\" data-region=\"me-south-1\">")
        .contains("<span class=\"pill bad\">ejected</span>");
  }
}
