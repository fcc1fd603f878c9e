package io.agentfleet.fleetctl;

import java.time.Duration;
import picocli.CommandLine;

/** Reads durations such as {@code 30s}, {@code 500ms}, {@code 2m}, {@code 1h} or ISO {@code PT30S}; prints them short. */
final class Durations implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    /** A bare number means seconds on the command line ({@code --wait 30}); everything else as the services read it. */
    static Duration parse(String value) {
        String text = value.trim();
        try {
            return text.chars().allMatch(Character::isDigit) && !text.isEmpty()
                    ? Duration.ofSeconds(Long.parseLong(text))
                    : io.agentfleet.messages.Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(
                    "'" + value + "' is not a duration such as 30s, 500ms, 2m or PT30S");
        }
    }

    /** {@code 850ms}, {@code 12.3s}, {@code 4m05s}, {@code 2h03m}; "-" for null. */
    static String format(Duration duration) {
        if (duration == null) {
            return "-";
        }
        long millis = duration.toMillis();
        if (millis < 1_000) {
            return millis + "ms";
        }
        if (millis < 60_000) {
            return String.format("%.1fs", millis / 1000.0);
        }
        long seconds = millis / 1000;
        if (seconds < 3600) {
            return String.format("%dm%02ds", seconds / 60, seconds % 60);
        }
        return String.format("%dh%02dm", seconds / 3600, (seconds % 3600) / 60);
    }
}
