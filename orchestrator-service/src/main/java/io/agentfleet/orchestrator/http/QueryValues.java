package io.agentfleet.orchestrator.http;

import io.micronaut.http.HttpStatus;

/**
 * Query parameters read from their text, so that a value that does not convert ({@code count=1.5}, {@code scan=maybe})
 * is refused like any other bad input: 400 naming the parameter, never a conversion done (or missed) by the framework.
 */
public final class QueryValues {
    private QueryValues() {}

    /** {@code value} as a whole number from {@code min} to {@code max}, or {@code absent} when it was not given. */
    public static int wholeNumber(String name, String value, int absent, int min, int max) {
        if (value == null) {
            return absent;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below, like a number out of range
        }
        throw new ApiException(
                HttpStatus.BAD_REQUEST,
                "invalid_request",
                name,
                "must be a whole number from " + min + " to " + max + ", but was '" + value + "'");
    }

    /** {@code value} as {@code true} or {@code false}, or {@code absent} when it was not given. */
    public static boolean flag(String name, String value, boolean absent) {
        if (value == null) {
            return absent;
        }
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default ->
                throw new ApiException(
                        HttpStatus.BAD_REQUEST,
                        "invalid_request",
                        name,
                        "must be true or false, but was '" + value + "'");
        };
    }
}
