package dev.regionrouter.router.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regionrouter.api.table.RegionEntry;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The request's model, read and replaced for a region, the rest of the body byte for byte. */
class RequestModelTest {

  private static final RegionEntry MAPPING =
      new RegionEntry(
          "r",
          "http://r",
          0.1,
          1,
          "azure",
          null,
          null,
          null,
          null,
          null,
          null,
          Map.of("gpt-4o", "gpt-4o-2024-08-06", "quote", "a\"b"),
          null);

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void readsTheTopLevelModelOnly() {
    assertThat(
            RequestModel.of(bytes("{\"messages\":[{\"model\":\"nested\"}],\"model\":\"gpt-4o\"}")))
        .isEqualTo("gpt-4o");
    assertThat(RequestModel.of(bytes("{\"tools\":{\"model\":\"nested\"}}"))).isNull();
    assertThat(RequestModel.of(bytes("{\"model\":42}"))).isNull();
    assertThat(RequestModel.of(bytes("not json"))).isNull();
    assertThat(RequestModel.of(new byte[0])).isNull();
  }

  @Test
  void replacesOnlyTheModelsValueKeepingNumbersOrderAndSpacing() {
    String body =
        "{ \"temperature\": 0.70,\n  \"model\" : \"gpt-4o\", \"messages\": [{\"content\":\"é \\\"model\\\"\"}] }";

    byte[] rewritten = RequestModel.forRegion(bytes(body), "gpt-4o", MAPPING);

    assertThat(new String(rewritten, StandardCharsets.UTF_8))
        .isEqualTo(body.replace("\"gpt-4o\"", "\"gpt-4o-2024-08-06\""));
  }

  @Test
  void escapesTheRegionsModelNameAndKeepsTheBodyWhenNothingMaps() {
    assertThat(
            new String(
                RequestModel.forRegion(bytes("{\"model\":\"quote\"}"), "quote", MAPPING),
                StandardCharsets.UTF_8))
        .isEqualTo("{\"model\":\"a\\\"b\"}");
    byte[] unmapped = bytes("{\"model\":\"o1\"}");
    assertThat(RequestModel.forRegion(unmapped, "o1", MAPPING)).isSameAs(unmapped);
    byte[] plain = bytes("{\"model\":\"gpt-4o\"}");
    assertThat(
            RequestModel.forRegion(plain, "gpt-4o", RegionEntry.of("p", "http://p", 0.1, 1, "aws")))
        .isSameAs(plain);
  }
}
