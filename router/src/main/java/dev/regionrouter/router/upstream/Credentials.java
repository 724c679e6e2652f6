package dev.regionrouter.router.upstream;

import dev.regionrouter.api.table.RegionEntry;
import java.util.Optional;

/** Finds a region's bearer token from its credentialsSecretRef. Never logs or exposes the value. */
public interface Credentials {

  /** The key used when a credentialsSecretRef names no key. */
  String DEFAULT_KEY = "token";

  /** The token, or empty when it cannot be found (yet). */
  Optional<String> token(RegionEntry.SecretRef ref);

  static String keyOf(RegionEntry.SecretRef ref) {
    return ref.key() == null || ref.key().isBlank() ? DEFAULT_KEY : ref.key();
  }

  /** No source configured: every reference is unresolvable. */
  Credentials NONE = ref -> Optional.empty();
}
