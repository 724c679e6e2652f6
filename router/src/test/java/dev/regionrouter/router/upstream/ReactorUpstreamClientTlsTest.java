package dev.regionrouter.router.upstream;

import java.io.File;
import java.time.Duration;

class ReactorUpstreamClientTlsTest extends NettyUpstreamClientTlsTest {
  @Override
  UpstreamClient client(boolean http2, File trustedCas) {
    return new ReactorUpstreamClient(
        Duration.ofSeconds(2), Duration.ofSeconds(60), http2, trustedCas);
  }
}
