package io.agentfleet.orchestrator.config;

import io.agentfleet.messages.config.ConfigValues;
import java.time.Duration;
import java.util.Objects;

/**
 * What the HTTP API accepts before it looks at a request.
 *
 * @param maxRequestBytes largest HTTP request body
 * @param rateLimit requests per key per {@code rateWindow}
 * @param rateWindow the fixed rate-limit window
 * @param authFailureLimit failed authentications one client address may make per {@code authFailureWindow}; past it
 *     every request from that address is refused with 429 until the window ends
 * @param authFailureWindow the fixed window of {@code authFailureLimit}
 * @param trustedProxies proxies whose {@code X-Forwarded-For} names the client address (none by default)
 * @param idempotencyWindow how long a submission's {@code Idempotency-Key} and its response are kept
 */
public record HttpLimits(
        int maxRequestBytes,
        int rateLimit,
        Duration rateWindow,
        int authFailureLimit,
        Duration authFailureWindow,
        TrustedProxies trustedProxies,
        Duration idempotencyWindow) {
    public static final int DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;
    public static final int DEFAULT_RATE_LIMIT = 2000;
    public static final Duration DEFAULT_RATE_WINDOW = Duration.ofSeconds(1);
    public static final int DEFAULT_AUTH_FAILURE_LIMIT = 20;
    public static final Duration DEFAULT_AUTH_FAILURE_WINDOW = Duration.ofMinutes(1);
    public static final Duration DEFAULT_IDEMPOTENCY_WINDOW = Duration.ofHours(24);

    public HttpLimits {
        Objects.requireNonNull(trustedProxies, "trustedProxies");
    }

    static HttpLimits read(ConfigValues r) {
        return new HttpLimits(
                r.intAtLeast(ConfigKeys.MAX_REQUEST_BYTES, DEFAULT_MAX_REQUEST_BYTES, 1024),
                r.intAtLeast(ConfigKeys.RATE_LIMIT, DEFAULT_RATE_LIMIT, 1),
                r.positiveDuration(ConfigKeys.RATE_WINDOW, DEFAULT_RATE_WINDOW),
                r.intAtLeast(ConfigKeys.AUTH_FAILURE_LIMIT, DEFAULT_AUTH_FAILURE_LIMIT, 1),
                r.positiveDuration(ConfigKeys.AUTH_FAILURE_WINDOW, DEFAULT_AUTH_FAILURE_WINDOW),
                TrustedProxies.parse(ConfigKeys.TRUSTED_PROXIES, r.string(ConfigKeys.TRUSTED_PROXIES, "")),
                r.positiveDuration(ConfigKeys.IDEMPOTENCY_WINDOW, DEFAULT_IDEMPOTENCY_WINDOW));
    }
}
