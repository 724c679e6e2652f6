package dev.regionrouter.router.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.io.SerializedString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The answer's metadata written by hand is byte for byte what Jackson's generator writes, and the
 * cases the hand-written path cannot write (escapes, non-ASCII, non-finite numbers, a decision) go
 * to the generator.
 */
class AnswerMetadataTest {

  private static final SerializedString REGION =
      new SerializedString(
          "\"region\":\"eu-west\",\"provider\":\"onprem\",\"cost_per_1k\":0.3,"
              + "\"priority\":1,");

  @Test
  void thePlainPathWritesWhatJacksonWrites() throws Exception {
    List<AnswerMetadata> cases = new ArrayList<>();
    for (int attempts : new int[] {1, 2, 9, 10, 17, 123456}) {
      for (String model : new String[] {null, "gpt-4o", "llama-3.1-70b"}) {
        for (double latency : new double[] {0.0, 0.001, 1.5, 12.345, 1234567.891, 1e-3, 3e9}) {
          for (Long tokens : new Long[] {null, 0L, 7L, 1000L, 9_999_999_999L}) {
            for (double usd : new double[] {0.0, 1.0e-8, 0.00012345, 12.5, 1e7}) {
              cases.add(
                  new AnswerMetadata(
                      REGION,
                      attempts,
                      model,
                      latency,
                      "priority-latency",
                      attempts == 2,
                      attempts == 9 ? "h-1" : null,
                      null,
                      tokens,
                      usd));
            }
          }
        }
      }
    }
    for (AnswerMetadata metadata : cases) {
      assertThat(metadata.plain()).isTrue();
      ByteBuf plain = Unpooled.buffer();
      metadata.writePlain(plain);
      assertThat(plain.toString(StandardCharsets.UTF_8)).isEqualTo(jackson(metadata));
      assertThat(written(metadata)).isEqualTo(jackson(metadata));
    }
  }

  @Test
  void whatNeedsEscapingOrADecisionGoesToTheGenerator() throws Exception {
    List<AnswerMetadata> cases =
        List.of(
            metadata("mod\"el", "p", null, 1.0),
            metadata("modèle", "p", null, 1.0),
            metadata("m", "line\nbreak", null, 1.0),
            metadata("m", "p", "back\\slash", 1.0),
            metadata("m", null, null, 1.0),
            metadata("m", "p", null, Double.NaN),
            new AnswerMetadata(
                REGION, 1, null, 1.0, "p", false, null, Map.of("chosen", "eu"), 5L, 0.1),
            new AnswerMetadata(
                REGION, 1, null, 1.0, "p", false, null, null, 5L, Double.POSITIVE_INFINITY));
    for (AnswerMetadata metadata : cases) {
      assertThat(metadata.plain()).as(metadata.toString()).isFalse();
      assertThat(written(metadata)).isEqualTo(jackson(metadata));
    }
    assertThat(written(cases.get(1))).contains("\"model\":\"modèle\"");
    assertThat(written(cases.get(6))).contains("\"decision\":{\"chosen\":\"eu\"}");
  }

  private static AnswerMetadata metadata(String model, String policy, String hedge, double ms) {
    return new AnswerMetadata(REGION, 1, model, ms, policy, false, hedge, null, null, 0);
  }

  private static String written(AnswerMetadata metadata) throws Exception {
    ByteBuf out = Unpooled.buffer();
    metadata.writeTo(out, Json.MAPPER);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String jackson(AnswerMetadata metadata) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    metadata.writeWithJackson(out, Json.MAPPER);
    return out.toString(StandardCharsets.UTF_8);
  }
}
