package dev.regionrouter.router.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {

  private final AtomicLong nanos = new AtomicLong(TimeUnit.SECONDS.toNanos(1_000));

  @Test
  void burstOfRetriesAfterARegionDiesIsPaidForByEarlierTraffic() {
    RetryBudget budget = new RetryBudget(0.2, 0, nanos::get);
    for (int i = 0; i < 500; i++) {
      budget.requestStarted();
    }
    // 32 requests in flight to the region that just died all need a retry at once.
    int granted = 0;
    for (int i = 0; i < 32; i++) {
      granted += budget.tryStartRetry() ? 1 : 0;
    }
    assertThat(granted).isEqualTo(32);
  }

  @Test
  void sustainedFailuresCannotRetryMoreThanTheRatioOfRequests() {
    RetryBudget budget = new RetryBudget(0.2, 0, nanos::get);
    int granted = 0;
    for (int i = 0; i < 1_000; i++) {
      budget.requestStarted();
      granted += budget.tryStartRetry() ? 1 : 0;
    }
    assertThat(granted).isBetween(199, 201);
  }

  @Test
  void quietRouterMayStillRetryTheMinimumPerSecond() {
    RetryBudget budget = new RetryBudget(0.2, 3, nanos::get);
    int granted = 0;
    for (int i = 0; i < 100; i++) {
      granted += budget.tryStartRetry() ? 1 : 0;
    }
    assertThat(granted).isEqualTo(3 * RetryBudget.WINDOW_SECONDS);
  }

  @Test
  void retriesAndRequestsLeaveTheWindowAfterTenSeconds() {
    RetryBudget budget = new RetryBudget(0.5, 0, nanos::get);
    budget.requestStarted();
    budget.requestStarted();
    assertThat(budget.tryStartRetry()).isTrue();
    assertThat(budget.tryStartRetry()).isFalse();

    nanos.addAndGet(TimeUnit.SECONDS.toNanos(RetryBudget.WINDOW_SECONDS));
    assertThat(budget.tryStartRetry()).as("old requests no longer pay for retries").isFalse();
    budget.requestStarted();
    budget.requestStarted();
    assertThat(budget.tryStartRetry()).as("the old retry no longer counts").isTrue();
  }
}
