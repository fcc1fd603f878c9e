package io.agentfleet.orchestrator.config;

import io.agentfleet.messages.StreamKeys;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the orchestrator reads from configuration, validated once at start-up, one record per capability.
 *
 * @param keys the Redis key layout (prefix)
 * @param apiKeys the accepted API keys (hashed), their tenants and the operator keys
 * @param tenantLimits limits by tenant; a tenant not in the map has none
 * @param http what the HTTP API accepts: body size, rate limits, failed authentications, trusted proxies
 * @param workflow the bounds of a run and of what it dispatches
 * @param intake how results are read from the result streams
 * @param schedule how the deadline schedule is watched and dispatches are reconciled
 * @param keyBudgets daily token and cost budgets by API key
 */
public record OrchestratorConfig(
        StreamKeys keys,
        ApiKeys apiKeys,
        Map<String, TenantLimits> tenantLimits,
        HttpLimits http,
        WorkflowLimits workflow,
        IntakeConfig intake,
        ScheduleConfig schedule,
        KeyBudgets keyBudgets) {

    public OrchestratorConfig {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(apiKeys, "apiKeys");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(workflow, "workflow");
        Objects.requireNonNull(intake, "intake");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(keyBudgets, "keyBudgets");
        tenantLimits = Map.copyOf(tenantLimits);
    }

    /** The limits of {@code tenant} ({@link TenantLimits#NONE} when none are configured). */
    public TenantLimits limitsOf(String tenant) {
        return tenantLimits.getOrDefault(tenant, TenantLimits.NONE);
    }
}
