package dev.regionrouter.operator.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The operator's logback.xml, as the jar ships it: LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs (the
 * router's Spring Boot option, same name and value) gives one ECS JSON object a line; unset gives
 * the plain lines.
 */
class LogFormatTest {

  @Test
  void ecsFormatWritesOneJsonObjectPerLineWithTheEcsFields() throws Exception {
    List<String> lines = logWith("ecs");
    assertThat(lines).hasSize(1);
    JsonNode line = new ObjectMapper().readTree(lines.get(0));
    assertThat(line.path("message").asText()).isEqualTo("region ap-south-1 is Ready");
    assertThat(line.path("log.level").asText()).isEqualTo("INFO");
    assertThat(line.path("log.logger").asText()).isEqualTo("dev.regionrouter.operator.Test");
    assertThat(line.path("service.name").asText()).isEqualTo("region-router-operator");
    assertThat(line.path("@timestamp").asText()).isNotBlank();
    assertThat(line.has("ecs.version")).isTrue();
  }

  @Test
  void withoutTheOptionLinesArePlainText() throws Exception {
    List<String> lines = logWith(null);
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0))
        .doesNotStartWith("{")
        .contains("INFO")
        .endsWith("dev.regionrouter.operator.Test - region ap-south-1 is Ready");
  }

  /** Configures a fresh logback context from the shipped logback.xml and logs one line. */
  private static List<String> logWith(String format) throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    if (format != null) {
      context.putProperty("LOGGING_STRUCTURED_FORMAT_CONSOLE", format);
    }
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      configurator.doConfigure(LogFormatTest.class.getResource("/logback.xml"));
      context.getLogger("dev.regionrouter.operator.Test").info("region {} is Ready", "ap-south-1");
    } finally {
      context.stop();
      System.setOut(original);
    }
    return captured.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
  }
}
