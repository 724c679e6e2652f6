package dev.regionrouter.mockregion.config;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The live settings of one mock region. The admin endpoint and tests change the same object;
 * each request reads one snapshot, so a change applies to requests that arrive after it.
 */
public final class SettingsStore {

    private final AtomicReference<MockSettings> current;

    public SettingsStore(MockSettings initial) {
        current = new AtomicReference<>(Objects.requireNonNull(initial));
    }

    public MockSettings current() {
        return current.get();
    }

    /**
     * Applies a change atomically and returns the new settings. An invalid result throws
     * {@link IllegalArgumentException} and changes nothing. The change may run more than once
     * under contention, so it must only set builder fields.
     */
    public MockSettings update(Consumer<MockSettings.Builder> change) {
        return current.updateAndGet(old -> {
            MockSettings.Builder builder = old.toBuilder();
            change.accept(builder);
            return builder.build();
        });
    }

    public MockSettings replace(MockSettings settings) {
        current.set(Objects.requireNonNull(settings));
        return settings;
    }

    /** Shortcut for the most common change. */
    public MockSettings mode(Mode mode) {
        return update(b -> b.mode(mode));
    }
}
