package io.agentfleet.orchestrator.config;

import java.util.Set;

/**
 * Limits of one tenant ({@code fleet.tenants.<tenant>.*}); 0 or empty means no limit.
 *
 * @param maxRunsInFlight most runs of the tenant not yet in a terminal state
 * @param allowedAgents agent types the tenant's runs may use; empty = every agent type the fleet serves
 * @param rateLimit requests per rate window over all of the tenant's keys, on top of the per-key limit
 */
public record TenantLimits(int maxRunsInFlight, Set<String> allowedAgents, int rateLimit) {
    public static final TenantLimits NONE = new TenantLimits(0, Set.of(), 0);

    public TenantLimits {
        if (maxRunsInFlight < 0 || rateLimit < 0) {
            throw new IllegalArgumentException("limits must be >= 0");
        }
        allowedAgents = Set.copyOf(allowedAgents);
    }

    public boolean allows(String agent) {
        return allowedAgents.isEmpty() || allowedAgents.contains(agent);
    }
}
