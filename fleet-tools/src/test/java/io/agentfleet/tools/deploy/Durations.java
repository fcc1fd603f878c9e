package io.agentfleet.tools.deploy;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as the deploy files write them. */
final class Durations {
    /** What compose accepts (Go durations): a sequence such as {@code 1m30s}. */
    private static final Pattern COMPOSE_PART = Pattern.compile("(\\d+)(ms|us|ns|s|m|h)");

    private Durations() {}

    /** Parses a service setting such as {@code FLEET_SHUTDOWN_GRACE}: {@code 30s}, {@code 500ms}, {@code PT30S}. */
    static Duration ofServiceSetting(String name, String value) {
        if (value == null) {
            throw new AssertionError(name + " is not set");
        }
        try {
            return io.agentfleet.messages.Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new AssertionError(
                    name + " = '" + value + "' is not a duration the services accept (30s, 500ms, PT30S)", e);
        }
    }

    /** Parses a compose duration such as {@code 45s} or {@code 1m30s}. */
    static Duration ofCompose(String name, String value) {
        String text = value == null ? "" : value.trim();
        Matcher part = COMPOSE_PART.matcher(text);
        Duration total = Duration.ZERO;
        int end = 0;
        while (part.find() && part.start() == end) {
            long amount = Long.parseLong(part.group(1));
            total = total.plus(
                    switch (part.group(2)) {
                        case "ns" -> Duration.ofNanos(amount);
                        case "us" -> Duration.ofNanos(amount * 1_000);
                        case "ms" -> Duration.ofMillis(amount);
                        case "s" -> Duration.ofSeconds(amount);
                        case "m" -> Duration.ofMinutes(amount);
                        default -> Duration.ofHours(amount);
                    });
            end = part.end();
        }
        if (text.isEmpty() || end != text.length()) {
            throw new AssertionError(name + " = '" + value + "' is not a compose duration (45s, 1m30s)");
        }
        return total;
    }
}
