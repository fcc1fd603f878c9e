package io.agentfleet.orchestrator.hygiene;

import io.agentfleet.messages.Durations;
import io.agentfleet.orchestrator.config.ConfigException;
import io.agentfleet.orchestrator.config.OrchestratorConfig;
import io.micronaut.core.value.PropertyResolver;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How the orchestrator's consumer reaper runs ({@code fleet.orchestrator.consumer-reaper.*}, or
 * {@code FLEET_ORCHESTRATOR_CONSUMER_REAPER_*}).
 *
 * @param enabled whether this replica removes ghosts; it records its heartbeat and counts either way
 * @param idleThreshold a consumer unseen this long (no read, claim or heartbeat) is a ghost, removed once it has
 *     nothing pending; a running orchestrator records a heartbeat every interval and reads every read-block
 * @param interval how often this replica records its heartbeat and counts and reaps the groups
 */
public record ReaperConfig(boolean enabled, Duration idleThreshold, Duration interval) {
    public static final String ENABLED = "fleet.orchestrator.consumer-reaper.enabled";
    public static final String IDLE_THRESHOLD = "fleet.orchestrator.consumer-reaper.idle-threshold";
    public static final String INTERVAL = "fleet.orchestrator.consumer-reaper.interval";

    public static final boolean DEFAULT_ENABLED = true;
    /** The workers' default too: 20 x the default claim-after (30 s). */
    public static final Duration DEFAULT_IDLE_THRESHOLD = Duration.ofMinutes(10);

    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);
    public static final Duration MIN_INTERVAL = Duration.ofMillis(100);
    /** The threshold must span this many intervals, so one late heartbeat does not make a running replica a ghost. */
    public static final int HEARTBEATS_PER_THRESHOLD = 2;
    /** The threshold must be at least this many read blocks. */
    public static final int MIN_READ_BLOCKS = 3;

    public ReaperConfig {
        Objects.requireNonNull(idleThreshold, "idleThreshold");
        Objects.requireNonNull(interval, "interval");
        if (interval.compareTo(MIN_INTERVAL) < 0) {
            throw new IllegalArgumentException("interval must be >= " + MIN_INTERVAL + ", but was " + interval);
        }
        if (idleThreshold.compareTo(interval.multipliedBy(HEARTBEATS_PER_THRESHOLD)) < 0) {
            throw new IllegalArgumentException("idleThreshold must be >= " + HEARTBEATS_PER_THRESHOLD + " x interval ("
                    + interval + "), but was " + idleThreshold);
        }
    }

    /**
     * Reads and validates the reaper's keys: the threshold must be at least the orchestrator's claim-after,
     * {@value #MIN_READ_BLOCKS} x its read-block and {@value #HEARTBEATS_PER_THRESHOLD} x the interval.
     */
    public static ReaperConfig read(PropertyResolver props, OrchestratorConfig orchestrator) {
        boolean enabled = raw(props, ENABLED).map(v -> bool(ENABLED, v)).orElse(DEFAULT_ENABLED);
        Duration interval = raw(props, INTERVAL).map(v -> duration(INTERVAL, v)).orElse(DEFAULT_INTERVAL);
        Duration threshold =
                raw(props, IDLE_THRESHOLD).map(v -> duration(IDLE_THRESHOLD, v)).orElse(DEFAULT_IDLE_THRESHOLD);
        if (interval.compareTo(MIN_INTERVAL) < 0) {
            throw new ConfigException(INTERVAL + " must be >= " + MIN_INTERVAL + ", but was '" + interval + "'");
        }
        Duration readBlocks = orchestrator.readBlock().multipliedBy(MIN_READ_BLOCKS);
        Duration intervals = interval.multipliedBy(HEARTBEATS_PER_THRESHOLD);
        if (threshold.compareTo(orchestrator.claimAfter()) < 0
                || threshold.compareTo(readBlocks) < 0
                || threshold.compareTo(intervals) < 0) {
            throw new ConfigException(IDLE_THRESHOLD + " must be >= fleet.orchestrator.claim-after ("
                    + orchestrator.claimAfter() + "), >= " + MIN_READ_BLOCKS + " x fleet.orchestrator.read-block ("
                    + orchestrator.readBlock() + ") and >= " + HEARTBEATS_PER_THRESHOLD + " x " + INTERVAL + " ("
                    + interval + "), but was '" + raw(props, IDLE_THRESHOLD).orElse(threshold.toString()) + "'");
        }
        return new ReaperConfig(enabled, threshold, interval);
    }

    private static Optional<String> raw(PropertyResolver props, String key) {
        return props.getProperty(key, String.class).map(String::trim).filter(v -> !v.isEmpty());
    }

    private static Duration duration(String key, String raw) {
        try {
            return Durations.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key + " must be " + Durations.EXPECTED + ", but was '" + raw + "'");
        }
    }

    private static boolean bool(String key, String raw) {
        return switch (raw.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(key + " must be true or false, but was '" + raw + "'");
        };
    }
}
