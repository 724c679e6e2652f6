package dev.regionrouter.router.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.regionrouter.router.json.JsonScanner;
import dev.regionrouter.router.json.RandomJson;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RegionAnswerTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One scanner for every answer, as a connection reads its answers. */
  private static final JsonScanner SCANNER = JsonScanner.reusable();

  private static RegionAnswer parse(String body) {
    return RegionAnswer.parse(body.getBytes(StandardCharsets.UTF_8), JSON, SCANNER);
  }

  @Test
  void keepsTheOutputStringAsItsOwnJsonTextEscapesAndAll() {
    RegionAnswer answer =
        parse("{\"output\": \"caf\\u00e9 \\\"quoted\\\", été\" , \"tokens_used\": 12}");
    assertThat(answer.outputJson()).isEqualTo("\"caf\\u00e9 \\\"quoted\\\", été\"");
    assertThat(answer.tokensUsed()).isEqualTo(12L);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"text\": \"a\", \"list\": [1, {\"b\": null}]}",
        "[1, 2.5e3, \"x\"]",
        "42",
        "-0.5",
        "true",
        "\"\""
      })
  void keepsAnyJsonValueAsOutputVerbatim(String output) {
    RegionAnswer answer = parse("{\"id\": 7, \"output\": " + output + "}");
    assertThat(answer.outputJson()).isEqualTo(output);
    assertThat(answer.tokensUsed()).isNull();
  }

  @Test
  void theLastOutputCountsAsForATree() {
    assertThat(parse("{\"output\": \"first\", \"output\": {\"second\": 2}}").outputJson())
        .isEqualTo("{\"second\": 2}");
  }

  @Test
  void aByteOrderMarkIsNotPartOfTheOutput() {
    assertThat(parse("\uFEFF{\"output\":\"ok\"}").outputJson()).isEqualTo("\"ok\"");
  }

  @Test
  void aUtf16AnswerIsReencodedAsUtf8() {
    byte[] body = "{\"output\": \"été\", \"tokens_used\": 3}".getBytes(Charset.forName("UTF-16BE"));
    RegionAnswer answer = RegionAnswer.parse(body, JSON, SCANNER);
    assertThat(answer.outputJson()).isEqualTo("\"été\"");
    assertThat(answer.tokensUsed()).isEqualTo(3L);
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "1.5", "\"12\"", "99999999999999999999999", "null"})
  void tokensThatAreNotAnIntegerOfAtLeastZeroAreLeftOut(String tokens) {
    RegionAnswer answer = parse("{\"output\": \"x\", \"tokens_used\": " + tokens + "}");
    assertThat(answer.tokensUsed()).isNull();
    assertThat(answer.outputJson()).isEqualTo("\"x\"");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "[1,2]",
        "\"output\"",
        "{}",
        "{\"output\": null}",
        "{\"result\": \"x\"}",
        "{\"output\": \"trunc",
        "{\"output\": \"x\"",
        "{\"output\": \"x\"} trailing",
        "{\"output\": \"x\"} {}",
        "{\"output\": {\"a\": }}"
      })
  void anythingElseIsNotAnAnswer(String body) {
    assertThat(parse(body)).isNull();
  }

  @Test
  void invalidUtf8InTheOutputOrElsewhereIsNotAnAnswer() {
    byte[] inOutput = "{\"output\": \"caf\u00e9\"}".getBytes(StandardCharsets.UTF_8);
    inOutput[inOutput.length - 3] = '('; // é's second byte replaced: C3 28
    assertThat(RegionAnswer.parse(inOutput, JSON, SCANNER)).isNull();
    byte[] nested = "{\"output\": {\"k\": \"caf\u00e9\"}}".getBytes(StandardCharsets.UTF_8);
    nested[nested.length - 4] = '(';
    assertThat(RegionAnswer.parse(nested, JSON, SCANNER)).isNull();
    byte[] elsewhere =
        "{\"output\": \"ok\", \"note\": \"caf\u00e9\"}".getBytes(StandardCharsets.UTF_8);
    elsewhere[elsewhere.length - 3] = '(';
    assertThat(RegionAnswer.parse(elsewhere, JSON, SCANNER)).isNull();
  }

  @Test
  void aTokensUsedObjectIsSkippedAndTheOutputAfterItKept() {
    RegionAnswer answer = parse("{\"tokens_used\": {\"output\": 1}, \"output\": \"x\"}");
    assertThat(answer.outputJson()).isEqualTo("\"x\"");
    assertThat(answer.tokensUsed()).isNull();
    byte[] body = "{\"tokens_used\": [1], \"output\": 2}".getBytes(StandardCharsets.UTF_8);
    assertThat(RegionAnswer.read(body, JSON).outputJson()).isEqualTo("2");
  }

  @Test
  void theScannerReadsAnAnswerAsRegionsSendIt() {
    byte[] body =
        "{\"output\": \"Quantum computers use qubits.\", \"tokens_used\": 12, \"region\": \"eu\"}"
            .getBytes(StandardCharsets.UTF_8);
    assertThat(RegionAnswer.scan(body, SCANNER))
        .isEqualTo(RegionAnswer.read(body, JSON))
        .isNotNull();
  }

  /**
   * On every body the scanner reads, Jackson reads the same answer (random documents and mutations
   * of them); the rest goes to Jackson.
   */
  @Test
  void whatTheScannerReadsJacksonReadsTheSame() {
    Random random = new Random(11);
    int scanned = 0;
    for (int i = 0; i < 4_000; i++) {
      byte[] body = RandomJson.document(random, false);
      if (random.nextBoolean()) {
        body = RandomJson.mutate(body, random);
      }
      RegionAnswer answer = RegionAnswer.scan(body, SCANNER);
      if (answer != null) {
        scanned++;
        assertThat(answer)
            .as(new String(body, StandardCharsets.UTF_8))
            .isEqualTo(RegionAnswer.read(body, JSON));
      }
    }
    assertThat(scanned).isGreaterThan(300);
  }
}
