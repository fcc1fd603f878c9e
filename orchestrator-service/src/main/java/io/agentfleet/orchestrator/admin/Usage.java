package io.agentfleet.orchestrator.admin;

import io.agentfleet.orchestrator.workflow.store.DailyBudgets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tokens and cost. Unscoped ({@code tenant} null): {@code byTenant}, {@code byKey} and {@code byAgent} over the whole
 * fleet, {@code total} null. Scoped: the tenant's {@code total} and its own {@code byKey} and {@code byAgent},
 * {@code byTenant} null. {@code daily}: today's spend of each key in scope that has a daily budget, with the budget.
 */
public record Usage(
        String tenant,
        Figures total,
        Map<String, Figures> byTenant,
        Map<String, Figures> byKey,
        Map<String, Figures> byAgent,
        Map<String, DailyBudgets.DailySpend> daily) {

    /** One owner's counters by metric name, as recorded ({@code cost} a double, the others longs). */
    public record Figures(Map<String, Number> metrics) {
        public Figures {
            metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        }

        public long tokens() {
            return value("tokensIn") + value("tokensOut");
        }

        private long value(String metric) {
            Number n = metrics.get(metric);
            return n == null ? 0 : n.longValue();
        }
    }
}
