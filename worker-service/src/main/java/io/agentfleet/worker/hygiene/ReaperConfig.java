package io.agentfleet.worker.hygiene;

import io.agentfleet.messages.config.ConfigException;
import io.agentfleet.messages.config.ConfigValues;
import io.agentfleet.worker.config.AgentConfig;
import io.agentfleet.worker.config.ConfigSource;
import io.agentfleet.worker.config.WorkerConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the worker's consumer reaper runs ({@code fleet.consumer-reaper.*}, or {@code FLEET_CONSUMER_REAPER_*}).
 *
 * @param enabled whether this process removes ghosts; it records its heartbeat and counts either way
 * @param idleThreshold a consumer of the {@code workers} group unseen this long (no read, claim or heartbeat) is a
 *     ghost, removed once it has nothing pending; a running worker records a heartbeat every interval, reads every
 *     read-block and renews its leases every lease/3, so it stays far below
 * @param interval how often this worker records its heartbeat and counts and reaps the groups it serves
 */
public record ReaperConfig(boolean enabled, Duration idleThreshold, Duration interval) {
    public static final String ENABLED = "fleet.consumer-reaper.enabled";
    public static final String IDLE_THRESHOLD = "fleet.consumer-reaper.idle-threshold";
    public static final String INTERVAL = "fleet.consumer-reaper.interval";

    public static final boolean DEFAULT_ENABLED = true;
    /** 20 x the default claim-after (30 s), 600 x the default read block (1 s). */
    public static final Duration DEFAULT_IDLE_THRESHOLD = Duration.ofMinutes(10);

    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);
    public static final Duration MIN_INTERVAL = Duration.ofMillis(100);
    /** The threshold must span this many intervals, so one late heartbeat does not make a running worker a ghost. */
    public static final int HEARTBEATS_PER_THRESHOLD = 2;
    /** The threshold must be at least this many read blocks, so a worker between two reads is never a ghost. */
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
     * Reads and validates the reaper's keys against the worker's: the threshold must be at least the claim-after of
     * every served agent type, {@value #MIN_READ_BLOCKS} x read-block and {@value #HEARTBEATS_PER_THRESHOLD} x the
     * interval.
     */
    public static ReaperConfig bind(ConfigSource source, WorkerConfig worker) {
        boolean enabled =
                source.get(ENABLED).map(v -> ConfigValues.parseBool(ENABLED, v)).orElse(DEFAULT_ENABLED);
        Duration interval = source.get(INTERVAL)
                .map(v -> ConfigValues.parseDuration(INTERVAL, v, Duration.ZERO))
                .orElse(DEFAULT_INTERVAL);
        Optional<String> rawThreshold = source.get(IDLE_THRESHOLD);
        Duration threshold = rawThreshold
                .map(v -> ConfigValues.parseDuration(IDLE_THRESHOLD, v, Duration.ZERO))
                .orElse(DEFAULT_IDLE_THRESHOLD);
        String shown = rawThreshold.orElse(threshold.toString());
        Duration floor = worker.readBlock().multipliedBy(MIN_READ_BLOCKS);
        String why = MIN_READ_BLOCKS + " x fleet.read-block (" + worker.readBlock() + ")";
        for (AgentConfig agent : worker.agents()) {
            if (agent.claimAfter().compareTo(floor) > 0) {
                floor = agent.claimAfter();
                why = "the claim-after of agent type " + agent.agentType() + " (" + agent.claimAfter() + ")";
            }
        }
        if (threshold.compareTo(floor) < 0) {
            throw ConfigException.invalid(IDLE_THRESHOLD, shown, ">= " + why);
        }
        if (interval.compareTo(MIN_INTERVAL) < 0) {
            throw ConfigException.invalid(INTERVAL, source.get(INTERVAL).orElse(""), ">= " + MIN_INTERVAL);
        }
        if (threshold.compareTo(interval.multipliedBy(HEARTBEATS_PER_THRESHOLD)) < 0) {
            throw ConfigException.invalid(
                    IDLE_THRESHOLD,
                    shown,
                    ">= " + HEARTBEATS_PER_THRESHOLD + " x " + INTERVAL + " (" + interval
                            + "): a running worker's heartbeat comes every interval");
        }
        return new ReaperConfig(enabled, threshold, interval);
    }
}
