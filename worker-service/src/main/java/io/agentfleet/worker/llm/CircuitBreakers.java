package io.agentfleet.worker.llm;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** One {@link CircuitBreaker} per provider endpoint in this process, shared by the agent types calling it. */
final class CircuitBreakers {
    private final Clock clock;
    private final LlmTelemetry telemetry;
    private final ConcurrentMap<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();

    CircuitBreakers(Clock clock, LlmTelemetry telemetry) {
        this.clock = clock;
        this.telemetry = telemetry;
    }

    CircuitBreaker forEndpoint(LlmSettings settings) {
        // Keyed by URL and key hash: two keys on one gateway fail independently (one may be revoked).
        String id = settings.baseUrl() + "#" + settings.endpointId();
        return breakers.computeIfAbsent(id, ignored -> {
            CircuitBreaker breaker = new CircuitBreaker(
                    label(settings), settings.circuitFailureThreshold(), settings.circuitOpenDuration(), clock);
            telemetry.watch(breaker, settings);
            return breaker;
        });
    }

    /** The endpoint without its query string, which some gateways use for credentials. */
    static String label(LlmSettings settings) {
        java.net.URI url = settings.baseUrl();
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                + (url.getRawPath() == null ? "" : url.getRawPath());
    }
}
