package io.agentfleet.orchestrator.shutdown;

import io.agentfleet.messages.config.ConfigValues;
import io.agentfleet.orchestrator.config.ConfigKeys;
import java.time.Duration;
import java.util.Objects;

/**
 * What SIGTERM does ({@code fleet.shutdown-grace}, or {@code FLEET_SHUTDOWN_GRACE}).
 *
 * @param grace how long in-flight HTTP requests and result batches already read may take to finish before the
 *     process stops anyway; what is left unacknowledged is claimed by another replica after claim-after
 */
public record ShutdownConfig(Duration grace) {
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);

    public ShutdownConfig {
        Objects.requireNonNull(grace, "grace");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace must be >= 0, but was " + grace);
        }
    }

    public static ShutdownConfig read(ConfigValues values) {
        return new ShutdownConfig(values.durationAtLeast(ConfigKeys.SHUTDOWN_GRACE, DEFAULT_GRACE, Duration.ZERO));
    }
}
