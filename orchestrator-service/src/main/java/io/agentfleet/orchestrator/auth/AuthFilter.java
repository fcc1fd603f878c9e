package io.agentfleet.orchestrator.auth;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.orchestrator.config.OrchestratorConfig;
import io.agentfleet.orchestrator.http.ApiException;
import io.agentfleet.orchestrator.http.Json;
import io.agentfleet.orchestrator.redis.OrchestratorScripts;
import io.agentfleet.orchestrator.workflow.store.OrchestratorKeys;
import io.lettuce.core.ScriptOutputType;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.util.List;
import java.util.Optional;

/**
 * Bearer API keys (401 missing or malformed, 403 unknown; too many failures from one address: 429, see
 * {@link FailedAuthLimiter}) resolved to the {@link Caller} (key, tenant, operator flag)
 * that controllers read, then a per-key fixed-window rate limit kept in Redis so it holds across replicas (429 with
 * Retry-After) and the caller's tenant's limit when it has one, then the request size limit from Content-Length (413).
 * The OpenAPI document is public; management endpoints (health, prometheus) are outside {@code /v1}.
 */
@ServerFilter("/v1/**")
public class AuthFilter {
    private static final String OPENAPI = "/v1/openapi.yml";
    private static final String BEARER = "Bearer ";

    private final OrchestratorConfig config;
    private final FleetRedis redis;
    private final OrchestratorKeys keys;
    private final FailedAuthLimiter failedAuth;

    public AuthFilter(OrchestratorConfig config, FleetRedis redis, FailedAuthLimiter failedAuth) {
        this.config = config;
        this.redis = redis;
        this.failedAuth = failedAuth;
        this.keys = new OrchestratorKeys(config.keys());
    }

    @RequestFilter
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Nullable
    public HttpResponse<?> filter(HttpRequest<?> request) {
        if (request.getPath().equals(OPENAPI)) {
            return null;
        }
        try {
            Caller caller = failedAuth.guard(request, () -> authenticate(request));
            request.setAttribute(Caller.ATTRIBUTE, caller);
            if (config.apiKeys().enabled()) {
                rateLimit(
                        "API key '" + caller.keyName() + "'",
                        keys.rate(caller.keyName()),
                        config.http().rateLimit());
            }
            int tenantLimit = config.limitsOf(caller.tenant()).rateLimit();
            if (tenantLimit > 0) {
                rateLimit("tenant '" + caller.tenant() + "'", keys.tenantRate(caller.tenant()), tenantLimit);
            }
            long length = request.getContentLength();
            if (length > config.http().maxRequestBytes()) {
                throw new ApiException(
                        HttpStatus.REQUEST_ENTITY_TOO_LARGE,
                        "payload_too_large",
                        "body",
                        "request body is " + length + " bytes, more than the limit of "
                                + config.http().maxRequestBytes());
            }
            return null;
        } catch (ApiException e) {
            return Json.error(e);
        }
    }

    private Caller authenticate(HttpRequest<?> request) {
        if (!config.apiKeys().enabled()) {
            return Caller.ANONYMOUS;
        }
        Optional<String> header = request.getHeaders().getAuthorization();
        if (header.isEmpty()) {
            throw new ApiException(
                    HttpStatus.UNAUTHORIZED,
                    "unauthorized",
                    HttpHeaders.AUTHORIZATION,
                    "missing; send Authorization: Bearer <api key>");
        }
        String value = header.get();
        if (!value.regionMatches(true, 0, BEARER, 0, BEARER.length())
                || value.substring(BEARER.length()).isBlank()) {
            throw new ApiException(
                    HttpStatus.UNAUTHORIZED,
                    "unauthorized",
                    HttpHeaders.AUTHORIZATION,
                    "malformed; expected Bearer <api key>");
        }
        String name = config.apiKeys()
                .nameOf(value.substring(BEARER.length()).trim())
                .orElseThrow(() -> new ApiException(
                        HttpStatus.FORBIDDEN, "forbidden", HttpHeaders.AUTHORIZATION, "unknown API key"));
        return new Caller(
                name, config.apiKeys().tenantOf(name), config.apiKeys().isAdmin(name));
    }

    private void rateLimit(String who, String counter, int limit) {
        List<Long> result = redis.runSync(
                OrchestratorScripts.call(
                        OrchestratorScripts.RATE_LIMIT,
                        counter,
                        Long.toString(config.http().rateWindow().toMillis())),
                ScriptOutputType.MULTI);
        long count = result.get(0);
        long ttlMs = result.get(1);
        if (count > limit) {
            long retryAfter = Math.max(1, (ttlMs + 999) / 1000);
            throw new ApiException(
                    HttpStatus.TOO_MANY_REQUESTS,
                    "rate_limited",
                    null,
                    who + " is over its limit of " + limit + " requests per "
                            + config.http().rateWindow() + "; retry after " + retryAfter + "s",
                    retryAfter);
        }
    }
}
