package io.agentfleet.worker.agents;

import io.agentfleet.messages.Durations;
import io.agentfleet.messages.FleetException;
import io.agentfleet.messages.config.ConfigException;
import io.agentfleet.messages.config.ConfigValues;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * Pacing of the deterministic demo agents ({@code fleet.demo-agents.*}): a delay drawn from a range, a failure rate
 * for retryable simulated failures, and the seed that makes both (and nothing else varies) reproducible.
 *
 * @param minDelay the shortest delay per task
 * @param maxDelay the longest delay per task
 * @param failureRate the share of attempts that fail retryably, 0 to 1
 * @param seed the seed of every random decision
 */
public record DemoAgentSettings(Duration minDelay, Duration maxDelay, double failureRate, long seed) {
    public static final String PREFIX = "fleet.demo-agents.";
    public static final String DELAY = PREFIX + "delay";
    public static final String FAILURE_RATE = PREFIX + "failure-rate";
    public static final String SEED = PREFIX + "seed";

    public static final Duration DEFAULT_MIN_DELAY = Duration.ofMillis(300);
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(1);
    public static final double DEFAULT_FAILURE_RATE = 0.0;
    public static final long DEFAULT_SEED = 42;

    /** Defaults: 300ms..1s, no failures, seed 42. */
    public static final DemoAgentSettings DEFAULT =
            new DemoAgentSettings(DEFAULT_MIN_DELAY, DEFAULT_MAX_DELAY, DEFAULT_FAILURE_RATE, DEFAULT_SEED);

    /** No delay, no failures: for tests. */
    public static final DemoAgentSettings INSTANT =
            new DemoAgentSettings(Duration.ZERO, Duration.ZERO, 0.0, DEFAULT_SEED);

    public DemoAgentSettings {
        if (minDelay.isNegative() || maxDelay.compareTo(minDelay) < 0) {
            throw new FleetException(
                    DELAY + " must be a range min..max with 0 <= min <= max, but was " + minDelay + ".." + maxDelay);
        }
        if (!(failureRate >= 0 && failureRate <= 1)) {
            throw new FleetException(FAILURE_RATE + " must be between 0 and 1, but was " + failureRate);
        }
    }

    /**
     * Reads the settings; {@code delay} is one duration ({@code 500ms}) or a range ({@code 300ms..1s} or
     * {@code 300ms-1s}), {@code 0} for none.
     */
    public static DemoAgentSettings from(Function<String, Optional<String>> properties) {
        Duration[] delay = properties
                .apply(DELAY)
                .map(DemoAgentSettings::parseRange)
                .orElse(new Duration[] {DEFAULT_MIN_DELAY, DEFAULT_MAX_DELAY});
        double failureRate =
                properties.apply(FAILURE_RATE).map(DemoAgentSettings::parseRate).orElse(DEFAULT_FAILURE_RATE);
        long seed = properties.apply(SEED).map(DemoAgentSettings::parseSeed).orElse(DEFAULT_SEED);
        return new DemoAgentSettings(delay[0], delay[1], failureRate, seed);
    }

    private static Duration[] parseRange(String value) {
        String text = value.trim();
        String[] bounds = text.contains("..") ? text.split("\\.\\.", 2) : text.split("-", 2);
        Duration min = parseDuration(bounds[0], value);
        Duration max = bounds.length == 2 ? parseDuration(bounds[1], value) : min;
        if (max.compareTo(min) < 0) {
            throw new ConfigException(DELAY, DELAY + " must be min..max with min <= max, but was '" + value + "'");
        }
        return new Duration[] {min, max};
    }

    private static Duration parseDuration(String bound, String whole) {
        if (bound.trim().equals("0")) {
            return Duration.ZERO;
        }
        try {
            return Durations.parse(bound);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(
                    DELAY, DELAY + " must be a duration or a range such as 300ms..1s, but was '" + whole + "'", e);
        }
    }

    private static double parseRate(String value) {
        return ConfigValues.parseDouble(FAILURE_RATE, value, 0, 1);
    }

    private static long parseSeed(String value) {
        return ConfigValues.parseLong(SEED, value, Long.MIN_VALUE, Long.MAX_VALUE);
    }
}
