package io.agentfleet.worker.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and range-checks raw configuration values; every failure names the key and the value. */
final class Values {
    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private Values() {}

    /** Accepts {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d} or ISO-8601 ({@code PT30S}). */
    static Duration duration(String key, String raw) {
        String text = raw.trim().toLowerCase(Locale.ROOT);
        Matcher m = SIMPLE_DURATION.matcher(text);
        try {
            if (m.matches()) {
                long amount = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                };
            }
            return Duration.parse(raw.trim());
        } catch (ArithmeticException | NumberFormatException | DateTimeParseException e) {
            throw new ConfigurationError(key, raw, "expected a duration such as 500ms, 30s, 5m, 2h or PT30S");
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
