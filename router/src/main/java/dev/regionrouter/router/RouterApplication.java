package dev.regionrouter.router;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The region router: {@code java -jar router.jar --router.regions-file=PATH} or
 * {@code --router.config-map=inference-regions [--router.namespace=NS]}.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class RouterApplication {

  public static void main(String[] args) {
    SpringApplication.run(RouterApplication.class, args);
  }
}
