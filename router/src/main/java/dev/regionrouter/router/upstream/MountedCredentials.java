package dev.regionrouter.router.upstream;

import dev.regionrouter.api.table.RegionEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens from Secrets mounted as files: {@code dir/<secret name>/<key>}. A value is cached for a
 * few seconds so the request path does not read a file each time, and re-read after, so a rotated
 * Secret is picked up.
 */
public class MountedCredentials implements Credentials {

  private final Path dir;
  private final Duration ttl;
  private final Clock clock;
  private final ConcurrentHashMap<Path, Cached> cache = new ConcurrentHashMap<>();

  public MountedCredentials(Path dir, Duration ttl, Clock clock) {
    this.dir = dir;
    this.ttl = ttl;
    this.clock = clock;
  }

  private record Cached(Optional<String> token, Instant readAt) {}

  @Override
  public Optional<String> token(RegionEntry.SecretRef ref) {
    Path file = dir.resolve(ref.name()).resolve(Credentials.keyOf(ref)).normalize();
    if (!file.startsWith(dir.normalize())) {
      return Optional.empty(); // a name with ../ must not read outside the directory
    }
    Instant now = clock.instant();
    Cached cached = cache.get(file);
    if (cached != null && Duration.between(cached.readAt(), now).compareTo(ttl) < 0) {
      return cached.token();
    }
    Optional<String> token;
    try {
      String value = Files.readString(file, StandardCharsets.UTF_8).strip();
      token = value.isEmpty() ? Optional.empty() : Optional.of(value);
    } catch (IOException e) {
      token = Optional.empty();
    }
    cache.put(file, new Cached(token, now));
    return token;
  }
}
