package dev.regionrouter.api.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.regionrouter.api.probe.ProbeStateMachine.Settings;
import dev.regionrouter.api.probe.ProbeStateMachine.Verdict;
import dev.regionrouter.api.probe.ProbeTrace.Step;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProbeTraceTest {

  @Test
  void theLatencyDependsOnTheSamplesNotOnTheHealthyThreshold() {
    // the operator comes back after one good probe (Kubernetes' successThreshold), the router after
    // two: their latencies must still agree sample for sample
    List<Step> one = ProbeTrace.expected(new Settings(3, 1, 0.3));
    List<Step> two = ProbeTrace.expected(new Settings(3, 2, 0.3));
    assertThat(one).hasSameSizeAs(two);
    for (int i = 0; i < one.size(); i++) {
      assertThat(one.get(i).latencySeconds())
          .as("step %d", i)
          .isEqualTo(two.get(i).latencySeconds());
      assertThat(one.get(i).followUpDue()).as("step %d", i).isEqualTo(two.get(i).followUpDue());
    }
  }

  @Test
  void theTraceCoversColdStartOutageAndRecovery() {
    List<Step> steps = ProbeTrace.expected(new Settings(3, 2, 0.3));
    assertThat(steps.get(0).followUpDue()).as("after the cold first answer").isTrue();
    assertThat(steps.get(1).latencySeconds()).as("the cold sample is gone").isEqualTo(0.051234);
    assertThat(steps).extracting(Step::verdict).contains(Verdict.UNHEALTHY, Verdict.HEALTHY);
    assertThat(steps.get(steps.size() - 1).verdict()).isEqualTo(Verdict.HEALTHY);
    assertThat(steps.get(steps.size() - 1).latencySeconds())
        .isCloseTo(0.3 * 0.0926 + 0.7 * 0.09325, offset(1e-12));
  }
}
