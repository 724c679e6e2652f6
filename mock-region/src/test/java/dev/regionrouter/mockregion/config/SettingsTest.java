package dev.regionrouter.mockregion.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class SettingsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void delayParsesFixedValuesAndRanges() {
    assertThat(DelayRange.parse("0")).isEqualTo(DelayRange.NONE);
    assertThat(DelayRange.parse(" 250 ")).isEqualTo(DelayRange.fixed(250));
    assertThat(DelayRange.parse("500-1500")).isEqualTo(DelayRange.REFERENCE);
    assertThat(DelayRange.REFERENCE).hasToString("500-1500");
    assertThat(DelayRange.fixed(7)).hasToString("7");
  }

  @Test
  void delayRejectsNonsense() {
    assertThatThrownBy(() -> DelayRange.parse("soon")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DelayRange.parse("-5")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DelayRange.parse("10-5")).isInstanceOf(IllegalArgumentException.class);
  }

  @RepeatedTest(20)
  void delaySamplesStayInsideTheRange() {
    assertThat(DelayRange.REFERENCE.sampleMs()).isBetween(500L, 1500L);
  }

  @Test
  void modesParseByTheirWireNames() {
    assertThat(Mode.parse("rate-limited")).isEqualTo(Mode.RATE_LIMITED);
    assertThat(Mode.parse("RATE_LIMITED")).isEqualTo(Mode.RATE_LIMITED);
    assertThat(Mode.parse("down")).isEqualTo(Mode.DOWN);
  }

  @Test
  void aPatchChangesOnlyTheFieldsItNames() throws Exception {
    SettingsStore store = new SettingsStore(MockSettings.defaults());

    MockSettings updated =
        store.update(
            b ->
                SettingsJson.applyPatch(
                    readTree("{\"inferenceDelayMs\":\"0\",\"tokensUsed\":5,\"failHealth\":true}"),
                    b));

    assertThat(updated)
        .isEqualTo(
            MockSettings.defaults().toBuilder()
                .inferenceDelay(DelayRange.NONE)
                .tokensUsed(5)
                .failHealth(true)
                .build());
    assertThat(store.current()).isSameAs(updated);
  }

  @Test
  void aPatchCanClearTheTokensOverride() {
    SettingsStore store =
        new SettingsStore(MockSettings.defaults().toBuilder().tokensUsed(3).build());

    store.update(b -> SettingsJson.applyPatch(readTree("{\"tokensUsed\":null}"), b));

    assertThat(store.current().tokensUsed()).isNull();
  }

  @Test
  void anInvalidPatchLeavesTheSettingsUnchanged() {
    SettingsStore store = new SettingsStore(MockSettings.defaults());

    assertThatThrownBy(
            () ->
                store.update(
                    b ->
                        SettingsJson.applyPatch(
                            readTree("{\"mode\":\"down\",\"streamChunks\":0}"), b)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("streamChunks");
    assertThatThrownBy(
            () ->
                store.update(b -> SettingsJson.applyPatch(readTree("{\"latencyMs\":\"fast\"}"), b)))
        .hasMessage("latencyMs must be an integer");
    assertThatThrownBy(
            () -> store.update(b -> SettingsJson.applyPatch(readTree("{\"region\":\"x\"}"), b)))
        .hasMessage("region is fixed at start");
    assertThat(store.current()).isEqualTo(MockSettings.defaults());
  }

  private static com.fasterxml.jackson.databind.JsonNode readTree(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
