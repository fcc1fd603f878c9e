package io.agentfleet.orchestrator.config;

import io.agentfleet.messages.StreamKeys;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the orchestrator reads from configuration, validated once at start-up.
 *
 * @param keys the Redis key layout (prefix)
 * @param consumerName this replica's consumer name in the {@code orchestrators} group
 * @param maxTasks most tasks in one run, including planner additions
 * @param maxStepsDefault {@code maxSteps} of a run that gives none
 * @param maxStepsLimit highest {@code maxSteps} a run may ask for
 * @param maxInputBytes largest encoded {@code input} of one task
 * @param maxRequestBytes largest HTTP request body
 * @param retention how long a finished run's keys are kept
 * @param claimAfter idle time after which another replica takes over a result that was read but not acknowledged
 * @param readCount most results read per XREADGROUP
 * @param readBlock how long one XREADGROUP blocks
 * @param maxBacklog backlog bound passed to ENQUEUE when an agent type's config hash has none (0 = unbounded)
 * @param allowedAgents agent types runs may use; empty = any valid name
 * @param rateLimit requests per key per {@code rateWindow}
 * @param rateWindow the fixed rate-limit window
 * @param authFailureLimit failed authentications one client address may make per {@code authFailureWindow}; past it
 *     every request from that address is refused with 429 until the window ends
 * @param authFailureWindow the fixed window of {@code authFailureLimit}
 * @param trustedProxies proxies whose {@code X-Forwarded-For} names the client address (none by default)
 * @param watchInterval how often the deadline and outbox watchers look for due entries
 * @param reconcileAfter how long after a dispatch (and then how often) a task still waiting for its outcome is
 *     checked against its done key, in case its result stream entry was trimmed before any replica read it
 * @param apiKeys the accepted API keys (hashed), their tenants and the operator keys
 * @param tenantLimits limits by tenant; a tenant not in the map has none
 */
public record OrchestratorConfig(
        StreamKeys keys,
        String consumerName,
        int maxTasks,
        int maxStepsDefault,
        int maxStepsLimit,
        int maxInputBytes,
        int maxRequestBytes,
        Duration retention,
        Duration claimAfter,
        int readCount,
        Duration readBlock,
        long maxBacklog,
        Set<String> allowedAgents,
        int rateLimit,
        Duration rateWindow,
        int authFailureLimit,
        Duration authFailureWindow,
        TrustedProxies trustedProxies,
        Duration watchInterval,
        Duration reconcileAfter,
        ApiKeys apiKeys,
        Map<String, TenantLimits> tenantLimits) {

    public static final int DEFAULT_MAX_TASKS = 100;
    public static final int DEFAULT_MAX_STEPS = 20;
    public static final int DEFAULT_MAX_STEPS_LIMIT = 1000;
    public static final int DEFAULT_MAX_INPUT_BYTES = 256 * 1024;
    public static final int DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(1);
    public static final Duration DEFAULT_CLAIM_AFTER = Duration.ofSeconds(15);
    public static final int DEFAULT_READ_COUNT = 200;
    public static final Duration DEFAULT_READ_BLOCK = Duration.ofSeconds(2);
    public static final long DEFAULT_MAX_BACKLOG = 100_000;
    public static final int DEFAULT_RATE_LIMIT = 2000;
    public static final Duration DEFAULT_RATE_WINDOW = Duration.ofSeconds(1);
    public static final int DEFAULT_AUTH_FAILURE_LIMIT = 20;
    public static final Duration DEFAULT_AUTH_FAILURE_WINDOW = Duration.ofMinutes(1);
    public static final Duration DEFAULT_WATCH_INTERVAL = Duration.ofMillis(200);
    public static final Duration DEFAULT_RECONCILE_AFTER = Duration.ofSeconds(60);

    public OrchestratorConfig {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(apiKeys, "apiKeys");
        Objects.requireNonNull(reconcileAfter, "reconcileAfter");
        Objects.requireNonNull(trustedProxies, "trustedProxies");
        allowedAgents = Set.copyOf(allowedAgents);
        tenantLimits = Map.copyOf(tenantLimits);
    }

    /** The limits of {@code tenant} ({@link TenantLimits#NONE} when none are configured). */
    public TenantLimits limitsOf(String tenant) {
        return tenantLimits.getOrDefault(tenant, TenantLimits.NONE);
    }
}
