package io.agentfleet.messages;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * The one way every part of the fleet reads a duration from configuration or the command line: a whole amount with a
 * unit ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}) or ISO-8601 ({@code PT30S}).
 */
public final class Durations {
    /** What the error message says is expected. */
    public static final String EXPECTED = "a duration such as 500ms, 30s, 5m, 2h, 1d or PT30S";

    private Durations() {}

    /**
     * @throws IllegalArgumentException with a message naming the expected forms, for anything else
     */
    public static Duration parse(String value) {
        String text = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        try {
            int unitAt = 0;
            while (unitAt < text.length() && Character.isDigit(text.charAt(unitAt))) {
                unitAt++;
            }
            if (unitAt > 0 && unitAt < text.length()) {
                long amount = Long.parseLong(text.substring(0, unitAt));
                switch (text.substring(unitAt).trim()) {
                    case "ms" -> {
                        return Duration.ofMillis(amount);
                    }
                    case "s" -> {
                        return Duration.ofSeconds(amount);
                    }
                    case "m" -> {
                        return Duration.ofMinutes(amount);
                    }
                    case "h" -> {
                        return Duration.ofHours(amount);
                    }
                    case "d" -> {
                        return Duration.ofDays(amount);
                    }
                    default -> {
                        // Not a short form: fall through to ISO-8601.
                    }
                }
            }
            return Duration.parse(text.toUpperCase(Locale.ROOT));
        } catch (ArithmeticException | NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException("'" + value + "' is not " + EXPECTED, e);
        }
    }
}
