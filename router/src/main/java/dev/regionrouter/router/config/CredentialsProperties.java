package dev.regionrouter.router.config;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Region bearer tokens named by a region's {@code credentialsSecretRef}.
 *
 * @param dir when set, the token is read from {@code dir/<secret>/<key>} (Secrets mounted as
 *     volumes); otherwise, in Kubernetes mode, the named Secrets are watched through the API
 * @param fileCacheTtl how long a token read from a file is reused before the file is read again
 */
@ConfigurationProperties("router.credentials")
public record CredentialsProperties(Path dir, @DefaultValue("5s") Duration fileCacheTtl) {}
