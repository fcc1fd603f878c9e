package io.agentfleet.orchestrator.idempotency;

import io.agentfleet.orchestrator.http.ApiException;
import io.micronaut.http.HttpStatus;

/** The value of a request's {@code Idempotency-Key} header: 1 to 255 visible ASCII characters. */
public record IdempotencyKey(String value) {
    public static final String HEADER = "Idempotency-Key";
    static final int MAX_LENGTH = 255;

    public IdempotencyKey {
        if (value.isEmpty() || value.length() > MAX_LENGTH) {
            throw invalid("must be 1 to " + MAX_LENGTH + " characters long, got " + value.length());
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                throw invalid("may hold visible ASCII characters only (no spaces), found U+"
                        + String.format("%04X", (int) c) + " at " + i);
            }
        }
    }

    /** The key sent with a request, or null when it sent none. */
    public static IdempotencyKey of(String header) {
        return header == null ? null : new IdempotencyKey(header);
    }

    private static ApiException invalid(String reason) {
        return new ApiException(HttpStatus.BAD_REQUEST, "invalid_request", HEADER, HEADER + " " + reason);
    }
}
