package io.agentfleet.messages.config;

import io.agentfleet.messages.Durations;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The one parser of configuration values in the fleet: reads a key through a lookup (Micronaut properties, the
 * environment or a map), falls back to a default when it is unset or blank, and otherwise parses and range-checks the
 * value, throwing a {@link ConfigException} that names the key and the value. The static {@code parse…} methods check
 * one value whose key was resolved elsewhere (e.g. a per-agent key with a fleet-wide fallback).
 */
public final class ConfigValues {
    private final Function<String, Optional<String>> lookup;

    /** @param lookup the raw value of a key such as {@code fleet.orchestrator.max-tasks}, if set */
    public ConfigValues(Function<String, Optional<String>> lookup) {
        this.lookup = lookup;
    }

    public static ConfigValues of(Map<String, String> values) {
        return new ConfigValues(key -> Optional.ofNullable(values.get(key)));
    }

    /** The value of {@code key}, trimmed, if set and not blank. */
    public Optional<String> raw(String key) {
        return lookup.apply(key).map(String::trim).filter(v -> !v.isEmpty());
    }

    public String string(String key, String fallback) {
        return raw(key).orElse(fallback);
    }

    /** An {@code int} of at least {@code min} (and at most {@link Integer#MAX_VALUE}). */
    public int intAtLeast(String key, int fallback, int min) {
        return raw(key).map(v -> parseInt(key, v, min, Integer.MAX_VALUE)).orElse(fallback);
    }

    /** A {@code long} of at least {@code min}. */
    public long longAtLeast(String key, long fallback, long min) {
        return raw(key).map(v -> parseLong(key, v, min, Long.MAX_VALUE)).orElse(fallback);
    }

    public boolean bool(String key, boolean fallback) {
        return raw(key).map(v -> parseBool(key, v)).orElse(fallback);
    }

    /** A duration of at least {@code min}. */
    public Duration durationAtLeast(String key, Duration fallback, Duration min) {
        return raw(key).map(v -> parseDuration(key, v, min)).orElse(fallback);
    }

    /** A duration longer than zero. */
    public Duration positiveDuration(String key, Duration fallback) {
        return raw(key).map(v -> parsePositiveDuration(key, v)).orElse(fallback);
    }

    /** A whole number between {@code min} and {@code max}; {@code _} may group digits ({@code 10_000}). */
    public static long parseLong(String key, String raw, long min, long max) {
        long value;
        try {
            value = Long.parseLong(raw.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw ConfigException.invalid(key, raw, "an integer");
        }
        return inRange(key, raw, value, min, max);
    }

    public static int parseInt(String key, String raw, int min, int max) {
        return (int) parseLong(key, raw, min, max);
    }

    /** A finite number between {@code min} and {@code max}. */
    public static double parseDouble(String key, String raw, double min, double max) {
        double value;
        try {
            value = Double.parseDouble(raw.trim());
        } catch (NumberFormatException e) {
            throw ConfigException.invalid(key, raw, "a number");
        }
        if (!Double.isFinite(value)) {
            throw ConfigException.invalid(key, raw, "a number");
        }
        if (value < min || value > max) {
            String range = max == Double.MAX_VALUE ? ">= " + show(min) : "between " + show(min) + " and " + show(max);
            throw new ConfigException(key, key + " must be " + range + ", but was " + raw.trim());
        }
        return value;
    }

    public static boolean parseBool(String key, String raw) {
        return switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ConfigException.invalid(key, raw, "true or false");
        };
    }

    /** A duration ({@link Durations}) of at least {@code min}. */
    public static Duration parseDuration(String key, String raw, Duration min) {
        Duration value = parseDuration(key, raw);
        if (value.compareTo(min) < 0) {
            throw ConfigException.invalid(key, raw, ">= " + show(min));
        }
        return value;
    }

    public static Duration parsePositiveDuration(String key, String raw) {
        Duration value = parseDuration(key, raw);
        if (value.isZero() || value.isNegative()) {
            throw ConfigException.invalid(key, raw, "> 0");
        }
        return value;
    }

    private static Duration parseDuration(String key, String raw) {
        try {
            return Durations.parse(raw);
        } catch (IllegalArgumentException e) {
            throw ConfigException.invalid(key, raw, Durations.EXPECTED);
        }
    }

    /** A duration as an operator writes it: {@code 1500ms}, {@code 30s}. */
    public static String show(Duration d) {
        return d.toMillis() % 1000 != 0 ? d.toMillis() + "ms" : d.toSeconds() + "s";
    }

    private static long inRange(String key, String raw, long value, long min, long max) {
        if (value < min) {
            throw new ConfigException(key, key + " must be >= " + min + ", but was " + raw.trim());
        }
        if (value > max) {
            throw new ConfigException(key, key + " must be <= " + max + ", but was " + raw.trim());
        }
        return value;
    }

    private static String show(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
