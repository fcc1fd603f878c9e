package io.agentfleet.orchestrator.hygiene;

import io.agentfleet.messages.config.ConfigException;
import io.agentfleet.messages.config.ConfigValues;
import io.agentfleet.orchestrator.config.OrchestratorConfig;
import io.micronaut.core.value.PropertyResolver;
import java.time.Duration;
import java.util.Objects;

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
        ConfigValues values = new ConfigValues(key -> props.getProperty(key, String.class));
        boolean enabled = values.bool(ENABLED, DEFAULT_ENABLED);
        Duration interval = values.durationAtLeast(INTERVAL, DEFAULT_INTERVAL, MIN_INTERVAL);
        Duration threshold = values.durationAtLeast(IDLE_THRESHOLD, DEFAULT_IDLE_THRESHOLD, Duration.ZERO);
        Duration readBlocks = orchestrator.intake().readBlock().multipliedBy(MIN_READ_BLOCKS);
        Duration intervals = interval.multipliedBy(HEARTBEATS_PER_THRESHOLD);
        if (threshold.compareTo(orchestrator.intake().claimAfter()) < 0
                || threshold.compareTo(readBlocks) < 0
                || threshold.compareTo(intervals) < 0) {
            throw ConfigException.invalid(
                    IDLE_THRESHOLD,
                    values.raw(IDLE_THRESHOLD).orElse(ConfigValues.show(threshold)),
                    ">= fleet.orchestrator.claim-after ("
                            + ConfigValues.show(orchestrator.intake().claimAfter()) + "), >= "
                            + MIN_READ_BLOCKS + " x fleet.orchestrator.read-block ("
                            + ConfigValues.show(orchestrator.intake().readBlock()) + ") and >= "
                            + HEARTBEATS_PER_THRESHOLD
                            + " x " + INTERVAL + " (" + ConfigValues.show(interval) + ")");
        }
        return new ReaperConfig(enabled, threshold, interval);
    }
}
