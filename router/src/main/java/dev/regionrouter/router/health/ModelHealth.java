package dev.regionrouter.router.health;

import dev.regionrouter.router.config.HealthProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The health of each model of one region, for requests that name a model: a provider's rate limit
 * (429) and its overloaded or failing deployment (5xx) belong to one model, not to every model the
 * region serves. A model answering 429 is cooled for its Retry-After (capped); consecutive failures
 * of a model eject the model (not the region) for half-open-interval, after which one failure
 * ejects it again. Transport failures (refused, reset, timeout) stay the region's (see
 * RegionHealth). Thread-safe; the state of a model that recovers is dropped, so the map holds only
 * models with a recent problem.
 */
public final class ModelHealth {

  private final HealthProperties settings;
  private final Clock clock;
  private final Map<String, State> models = new HashMap<>();

  ModelHealth(HealthProperties settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  private static final class State {
    int failures;
    Instant lastFailureAt;
    Instant ejectedUntil;
    Instant coolingUntil;
    boolean halfOpen;
  }

  /** Whether the model may take requests now (not ejected, not cooling). */
  public synchronized boolean available(String model) {
    State state = models.get(model);
    if (state == null) {
      return true;
    }
    Instant now = clock.instant();
    expire(model, state, now);
    return models.get(model) == null || state.ejectedUntil == null && state.coolingUntil == null;
  }

  /** The model answered 429: cooled for its Retry-After (or the default), capped. */
  public synchronized void recordThrottled(String model, Duration retryAfter) {
    State state = models.computeIfAbsent(model, m -> new State());
    Instant until = clock.instant().plus(settings.coolingFor(retryAfter));
    if (state.coolingUntil == null || until.isAfter(state.coolingUntil)) {
      state.coolingUntil = until;
    }
  }

  /** The model failed (a 5xx, a malformed answer, a broken stream); true when this ejected it. */
  public synchronized boolean recordFailure(String model) {
    Instant now = clock.instant();
    State earlier = models.get(model);
    if (earlier != null) {
      expire(model, earlier, now); // may drop a state that has recovered
    }
    State state = models.computeIfAbsent(model, m -> new State());
    if (state.lastFailureAt != null
        && Duration.between(state.lastFailureAt, now).compareTo(settings.failureExpiry()) > 0) {
      state.failures = 0;
    }
    state.failures++;
    state.lastFailureAt = now;
    if (state.ejectedUntil == null
        && (state.halfOpen || state.failures >= settings.consecutiveFailures())) {
      state.ejectedUntil = now.plus(settings.halfOpenInterval());
      state.halfOpen = false;
      return true;
    }
    return false;
  }

  /** The model answered well: its failures and half-open state are over. */
  public synchronized void recordSuccess(String model) {
    State state = models.get(model);
    if (state != null && state.coolingUntil == null) {
      models.remove(model);
    } else if (state != null) {
      state.failures = 0;
      state.halfOpen = false;
      state.ejectedUntil = null;
    }
  }

  /** The models that are ejected or cooling now, for the status view. */
  public synchronized Map<String, String> unavailable() {
    Instant now = clock.instant();
    Map<String, String> out = new java.util.TreeMap<>();
    for (Map.Entry<String, State> e : Map.copyOf(models).entrySet()) {
      expire(e.getKey(), e.getValue(), now);
      State s = e.getValue();
      if (s.ejectedUntil != null) {
        out.put(e.getKey(), "ejected until " + s.ejectedUntil);
      } else if (s.coolingUntil != null) {
        out.put(e.getKey(), "cooling until " + s.coolingUntil);
      }
    }
    return out;
  }

  private void expire(String model, State state, Instant now) {
    if (state.ejectedUntil != null && !now.isBefore(state.ejectedUntil)) {
      state.ejectedUntil = null;
      state.halfOpen = true;
      state.failures = 0;
    }
    if (state.coolingUntil != null && !now.isBefore(state.coolingUntil)) {
      state.coolingUntil = null;
    }
    if (state.ejectedUntil == null
        && state.coolingUntil == null
        && state.failures == 0
        && !state.halfOpen) {
      models.remove(model);
    }
  }
}
