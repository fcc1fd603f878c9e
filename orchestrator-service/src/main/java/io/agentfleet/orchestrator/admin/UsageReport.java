package io.agentfleet.orchestrator.admin;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.orchestrator.config.OrchestratorConfig;
import io.agentfleet.orchestrator.workflow.store.DailyBudgets;
import io.agentfleet.orchestrator.workflow.store.OrchestratorKeys;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Tokens and cost, read from the totals runs add to, for the whole fleet or one tenant. */
@Singleton
public class UsageReport {
    private final FleetRedis redis;
    private final OrchestratorKeys okeys;
    private final OrchestratorConfig config;
    private final DailyBudgets dailyBudgets;
    private final Clock clock;

    public UsageReport(FleetRedis redis, OrchestratorConfig config, DailyBudgets dailyBudgets, Clock clock) {
        this.redis = redis;
        this.okeys = new OrchestratorKeys(config.keys());
        this.config = config;
        this.dailyBudgets = dailyBudgets;
        this.clock = clock;
    }

    /**
     * Tokens and cost. Unscoped ({@code tenant} null): {@code byTenant}, {@code byKey} and {@code byAgent} over the
     * whole fleet. Scoped: {@code tenant}, its {@code total}, and its own {@code byKey} and {@code byAgent}.
     */
    public Usage usage(String tenant) {
        Map<String, String> raw = redis.shared().sync().hgetall(okeys.usage());
        Map<String, Number> total = tenant == null ? null : new LinkedHashMap<>();
        Map<String, Map<String, Number>> byTenant = tenant == null ? new LinkedHashMap<>() : null;
        Map<String, Map<String, Number>> byKey = new LinkedHashMap<>();
        Map<String, Map<String, Number>> byAgent = new LinkedHashMap<>();
        raw.forEach((field, value) -> {
            // key|K|f, agent|A|f, tenant|T|f; per tenant tk|T|K|f and ta|T|A|f.
            String[] parts = field.split("\\|");
            Map<String, Number> owner = null;
            if (tenant == null && parts.length == 3) {
                Map<String, Map<String, Number>> target = switch (parts[0]) {
                    case "key" -> byKey;
                    case "agent" -> byAgent;
                    case "tenant" -> byTenant;
                    default -> null;
                };
                owner = target == null ? null : target.computeIfAbsent(parts[1], x -> new LinkedHashMap<>());
            } else if (tenant != null && parts.length == 3 && parts[0].equals("tenant") && parts[1].equals(tenant)) {
                owner = total;
            } else if (tenant != null && parts.length == 4 && parts[1].equals(tenant)) {
                Map<String, Map<String, Number>> target =
                        parts[0].equals("tk") ? byKey : parts[0].equals("ta") ? byAgent : null;
                owner = target == null ? null : target.computeIfAbsent(parts[2], x -> new LinkedHashMap<>());
            }
            if (owner != null) {
                String metric = parts[parts.length - 1];
                owner.put(metric, figure(metric, value));
            }
        });
        return new Usage(
                tenant,
                total == null ? null : new Usage.Figures(total),
                figures(byTenant),
                figures(byKey),
                figures(byAgent),
                daily(tenant));
    }

    /** Today's spend of each key with a daily budget, of {@code tenant} (every key when null), by key name. */
    private Map<String, DailyBudgets.DailySpend> daily(String tenant) {
        Set<String> keys = new TreeSet<>(config.keyBudgets().dailyTokens().keySet());
        keys.addAll(config.keyBudgets().dailyCost().keySet());
        Instant now = clock.instant();
        Map<String, DailyBudgets.DailySpend> out = new LinkedHashMap<>();
        for (String key : keys) {
            if (tenant == null || tenant.equals(config.apiKeys().tenantOf(key))) {
                out.put(key, dailyBudgets.spend(key, now));
            }
        }
        return out;
    }

    /**
     * A counter as recorded: cost a double, the others longs. (A conditional expression would widen the long to a
     * double, and the API would answer 120.0 tokens.)
     */
    private static Number figure(String metric, String value) {
        if (metric.equals("cost")) {
            return Double.parseDouble(value);
        }
        return Long.parseLong(value);
    }

    private static Map<String, Usage.Figures> figures(Map<String, Map<String, Number>> owners) {
        if (owners == null) {
            return null;
        }
        Map<String, Usage.Figures> out = new LinkedHashMap<>();
        owners.forEach((name, metrics) -> out.put(name, new Usage.Figures(metrics)));
        return out;
    }
}
