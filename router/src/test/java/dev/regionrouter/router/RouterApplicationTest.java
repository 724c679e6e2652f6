package dev.regionrouter.router;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RouterApplicationTest {

  @Test
  void fewCoresGetOneEventLoopMoreThanCoresAndMoreCoresKeepReactorNettysDefault() {
    assertThat(RouterApplication.eventLoops(1)).hasValue(2);
    assertThat(RouterApplication.eventLoops(2)).hasValue(3);
    assertThat(RouterApplication.eventLoops(3)).hasValue(4);
    assertThat(RouterApplication.eventLoops(4)).isEmpty();
    assertThat(RouterApplication.eventLoops(16)).isEmpty();
  }
}
