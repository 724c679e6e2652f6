package dev.regionrouter.mockregion.config;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The live settings of one mock region. The admin endpoint and tests change the same object; each
 * request reads one snapshot, so a change applies to requests that arrive after it. Each change
 * also starts the timed faults over: failFirst counts from it, failForMs runs from it.
 */
public final class SettingsStore {

  /** Settings and the state of their timed faults, changed together. */
  public record Live(MockSettings settings, AtomicInteger failuresLeft, long failUntilNanos) {
    static Live of(MockSettings settings) {
      return new Live(
          settings,
          new AtomicInteger(settings.failFirst()),
          System.nanoTime() + settings.failForMs() * 1_000_000L);
    }

    /** Whether this request is one of the failures failFirst or failForMs asks for. */
    public boolean timedFailure() {
      if (failuresLeft.get() > 0 && failuresLeft.getAndDecrement() > 0) {
        return true;
      }
      return settings.failForMs() > 0 && System.nanoTime() - failUntilNanos < 0;
    }
  }

  private final AtomicReference<Live> current;

  public SettingsStore(MockSettings initial) {
    current = new AtomicReference<>(Live.of(Objects.requireNonNull(initial)));
  }

  public MockSettings current() {
    return current.get().settings();
  }

  /** The settings with the state of their timed faults. */
  public Live live() {
    return current.get();
  }

  /**
   * Applies a change atomically and returns the new settings. An invalid result throws {@link
   * IllegalArgumentException} and changes nothing. The change may run more than once under
   * contention, so it must only set builder fields.
   */
  public MockSettings update(Consumer<MockSettings.Builder> change) {
    return current
        .updateAndGet(
            old -> {
              MockSettings.Builder builder = old.settings().toBuilder();
              change.accept(builder);
              return Live.of(builder.build());
            })
        .settings();
  }

  public MockSettings replace(MockSettings settings) {
    current.set(Live.of(Objects.requireNonNull(settings)));
    return settings;
  }

  /** Shortcut for the most common change. */
  public MockSettings mode(Mode mode) {
    return update(b -> b.mode(mode));
  }
}
