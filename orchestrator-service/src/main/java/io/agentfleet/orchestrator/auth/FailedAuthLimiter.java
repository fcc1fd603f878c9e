package io.agentfleet.orchestrator.auth;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.orchestrator.config.OrchestratorConfig;
import io.agentfleet.orchestrator.http.ApiException;
import io.agentfleet.orchestrator.redis.OrchestratorScripts;
import io.agentfleet.orchestrator.workflow.store.OrchestratorKeys;
import io.lettuce.core.ScriptOutputType;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import jakarta.inject.Singleton;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Supplier;

/**
 * Failed authentications (401 and 403) counted per client address in a fixed window kept in Redis, so the count holds
 * across replicas. Once an address has failed {@code authFailureLimit} times in the window, every request from it is
 * refused with 429 and {@code Retry-After} until the window ends, before its key is looked at: a guess made while
 * blocked is never confirmed, and blocked requests do not extend the window. The client address is the TCP peer;
 * {@code X-Forwarded-For} counts only from a configured trusted proxy (any client could write it).
 */
@Singleton
public class FailedAuthLimiter {
    private static final String FORWARDED_FOR = "X-Forwarded-For";

    private final OrchestratorConfig config;
    private final FleetRedis redis;
    private final OrchestratorKeys keys;

    public FailedAuthLimiter(OrchestratorConfig config, FleetRedis redis) {
        this.config = config;
        this.redis = redis;
        this.keys = new OrchestratorKeys(config.keys());
    }

    /** {@code authenticate}'s result, unless the caller's address is blocked; counts the refusals it throws. */
    public <T> T guard(HttpRequest<?> request, Supplier<T> authenticate) {
        if (!config.apiKeys().enabled()) {
            return authenticate.get();
        }
        String counter = keys.authFailures(clientAddress(request));
        requireNotBlocked(counter);
        try {
            return authenticate.get();
        } catch (ApiException e) {
            if (e.status() == HttpStatus.UNAUTHORIZED || e.status() == HttpStatus.FORBIDDEN) {
                count(counter);
            }
            throw e;
        }
    }

    private String clientAddress(HttpRequest<?> request) {
        InetSocketAddress remote = request.getRemoteAddress();
        if (remote.getAddress() == null) {
            return remote.getHostString();
        }
        return config.http()
                .trustedProxies()
                .clientAddress(remote.getAddress(), request.getHeaders().getAll(FORWARDED_FOR));
    }

    private void requireNotBlocked(String counter) {
        List<Long> window =
                redis.runSync(OrchestratorScripts.call(OrchestratorScripts.COUNTER, counter), ScriptOutputType.MULTI);
        long failures = window.get(0);
        if (failures >= config.http().authFailureLimit()) {
            long retryAfter = Math.max(1, (window.get(1) + 999) / 1000);
            throw new ApiException(
                    HttpStatus.TOO_MANY_REQUESTS,
                    "rate_limited",
                    null,
                    "too many failed authentications from this address ("
                            + config.http().authFailureLimit() + " per "
                            + config.http().authFailureWindow() + "); retry after " + retryAfter + "s",
                    retryAfter);
        }
    }

    private void count(String counter) {
        redis.runSync(
                OrchestratorScripts.call(
                        OrchestratorScripts.RATE_LIMIT,
                        counter,
                        Long.toString(config.http().authFailureWindow().toMillis())),
                ScriptOutputType.MULTI);
    }
}
