package io.agentfleet.orchestrator.http;

import io.micronaut.http.HttpStatus;
import java.nio.charset.StandardCharsets;

/**
 * A request the API refuses, answered as {@code {"error","field","reason"}} with {@link #status}. This is the one place
 * every error body passes through, so it bounds what a refusal echoes: a hostile 900 KB value comes back as a few
 * hundred characters (see {@link #bounded}).
 */
public class ApiException extends RuntimeException {
    /** Longest {@code field} echoed whole; longer ones keep their first {@link #ECHO_HEAD} characters. */
    public static final int MAX_FIELD_CHARS = 200;
    /** Longest {@code reason} echoed whole; longer ones keep their head and tail around the cut. */
    public static final int MAX_REASON_CHARS = 400;

    static final int ECHO_HEAD = 200;
    static final int ECHO_TAIL = 120;

    final HttpStatus status;
    final String error;
    final String field;
    final String reason;
    final Long retryAfterSeconds;

    public ApiException(HttpStatus status, String error, String field, String reason) {
        this(status, error, field, reason, null);
    }

    public ApiException(HttpStatus status, String error, String field, String reason, Long retryAfterSeconds) {
        super(error);
        this.status = status;
        this.error = error;
        this.field = bounded(field, MAX_FIELD_CHARS, 0);
        this.reason = bounded(reason);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    @Override
    public String getMessage() {
        return error + (field == null ? "" : " " + field) + ": " + reason;
    }

    public HttpStatus status() {
        return status;
    }

    /** 429 {@code budget_exceeded}: the reason names the budget and when it resets, also sent as Retry-After. */
    public static ApiException budgetExceeded(String reason, long retryAfterSeconds) {
        return new ApiException(HttpStatus.TOO_MANY_REQUESTS, "budget_exceeded", null, reason, retryAfterSeconds);
    }

    public static ApiException notFound(String what) {
        return new ApiException(HttpStatus.NOT_FOUND, "not_found", null, what + " not found");
    }

    /**
     * {@code reason} as the API echoes it: whole up to {@link #MAX_REASON_CHARS} characters, otherwise its first 200
     * and last 120 characters around {@code …(N bytes)…}, N being the whole text's UTF-8 length, so the explanation
     * that follows an echoed value survives the cut.
     */
    public static String bounded(String reason) {
        return bounded(reason, MAX_REASON_CHARS, ECHO_TAIL);
    }

    private static String bounded(String text, int max, int tail) {
        if (text == null || text.length() <= max) {
            return text;
        }
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        String head = text.substring(0, cutBefore(text, ECHO_HEAD));
        String end = tail == 0 ? "" : "…" + text.substring(cutBefore(text, text.length() - tail));
        return head + "…(" + bytes + " bytes)" + end;
    }

    /** {@code at}, moved back one if it would split a surrogate pair. */
    private static int cutBefore(String text, int at) {
        return Character.isLowSurrogate(text.charAt(at)) ? at - 1 : at;
    }
}
