package dev.regionrouter.router.upstream;

import java.time.Duration;

class ReactorUpstreamClientTest extends NettyUpstreamClientTest {
  @Override
  UpstreamClient client(Duration idleTimeout) {
    return new ReactorUpstreamClient(Duration.ofSeconds(2), idleTimeout, false, null);
  }
}
