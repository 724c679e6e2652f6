package dev.regionrouter.router.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regionrouter.router.support.RouterIT;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * The data plane's own HTTP codec keeps the server's decoder settings: Spring Boot's {@code
 * server.netty.*} reach it (the data plane is installed after Spring Boot's customizer).
 */
@TestPropertySource(properties = "server.netty.max-initial-line-length=256")
class DataPlaneDecoderIT extends RouterIT {

  @Test
  void theServersRequestLineLimitHoldsOnTheDataPlane() throws Exception {
    assertThat(get("/v1/" + "x".repeat(200)).statusCode()).isNotEqualTo(414);
    assertThat(get("/v1/" + "x".repeat(400)).statusCode()).isEqualTo(414);
  }
}
