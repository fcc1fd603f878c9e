package io.agentfleet.worker.config;

import io.agentfleet.messages.Durations;
import java.time.Duration;

/** Parses and range-checks raw configuration values; every failure names the key and the value. */
final class Values {
    private Values() {}

    static Duration duration(String key, String raw) {
        try {
            return Durations.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationError(key, raw, "expected " + Durations.EXPECTED);
        }
    }

    static long integer(String key, String raw) {
        try {
            return Long.parseLong(raw.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new ConfigurationError(key, raw, "expected a whole number");
        }
    }

    static int intAtLeast(String key, String raw, int min) {
        long value = integer(key, raw);
        if (value < min || value > Integer.MAX_VALUE) {
            throw new ConfigurationError(key, raw, "must be >= " + min + " and <= " + Integer.MAX_VALUE);
        }
        return (int) value;
    }

    static long longAtLeast(String key, String raw, long min) {
        long value = integer(key, raw);
        if (value < min) {
            throw new ConfigurationError(key, raw, "must be >= " + min);
        }
        return value;
    }

    static Duration durationAtLeast(String key, String raw, Duration min) {
        Duration value = duration(key, raw);
        if (value.compareTo(min) < 0) {
            throw new ConfigurationError(key, raw, "must be >= " + human(min));
        }
        return value;
    }

    static String human(Duration d) {
        if (d.toMillis() % 1000 != 0) {
            return d.toMillis() + "ms";
        }
        return d.toSeconds() + "s";
    }
}
