package io.agentfleet.orchestrator.workflow.store;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.orchestrator.config.KeyBudgets;
import io.agentfleet.orchestrator.workflow.engine.DailyBudgetCheck;
import io.agentfleet.orchestrator.workflow.engine.UsageDelta;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;

/**
 * What each API key spent in the current UTC day, counted in one hash per day that expires after {@link #KEEP}, checked
 * against the key's daily budgets at submission and at every dispatch.
 */
public final class DailyBudgets implements DailyBudgetCheck {
    /** How long a day's counters are kept: past its end, so a check right at midnight still reads the right day. */
    static final Duration KEEP = Duration.ofDays(2);

    private final FleetRedis redis;
    private final OrchestratorKeys okeys;
    private final KeyBudgets budgets;

    public DailyBudgets(FleetRedis redis, OrchestratorKeys okeys, KeyBudgets budgets) {
        this.redis = redis;
        this.okeys = okeys;
        this.budgets = budgets;
    }

    /** One key's spend in the UTC day of {@code now}, with its budgets (null when it has none) and their reset. */
    public record DailySpend(
            String keyName, LocalDate day, long tokens, double cost, Long maxTokens, Double maxCost, Instant resetAt) {
        /** Why the key may not spend more today, or null when it may. */
        public String overBudget() {
            if (maxTokens != null && tokens >= maxTokens) {
                return "API key '" + keyName + "' has spent " + tokens + " tokens today, its daily budget is "
                        + maxTokens + "; it resets at " + resetAt;
            }
            if (maxCost != null && cost >= maxCost) {
                return "API key '" + keyName + "' has spent a cost of " + cost + " today, its daily budget is "
                        + maxCost + "; it resets at " + resetAt;
            }
            return null;
        }
    }

    public boolean has(String keyName) {
        return keyName != null && budgets.has(keyName);
    }

    /** The spend of {@code keyName} today; only keys with a budget are read from Redis. */
    public DailySpend spend(String keyName, Instant now) {
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        Instant resetAt = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        long tokens = 0;
        double cost = 0;
        if (has(keyName)) {
            List<String> values =
                    redis.shared().sync().hmget(okeys.daily(day), keyName + "|tokens", keyName + "|cost").stream()
                            .map(kv -> kv.getValueOrElse(null))
                            .toList();
            tokens = values.get(0) == null ? 0 : Long.parseLong(values.get(0));
            cost = values.get(1) == null ? 0 : Double.parseDouble(values.get(1));
        }
        return new DailySpend(
                keyName,
                day,
                tokens,
                cost,
                budgets.dailyTokens().get(keyName),
                budgets.dailyCost().get(keyName),
                resetAt);
    }

    /** Why {@code keyName} may not spend more today, or null when it may (always null for a key without a budget). */
    @Override
    public String refusal(String keyName, long uncommittedTokens, double uncommittedCost, Instant now) {
        if (!has(keyName)) {
            return null;
        }
        DailySpend s = spend(keyName, now);
        return new DailySpend(
                        keyName,
                        s.day(),
                        s.tokens() + uncommittedTokens,
                        s.cost() + uncommittedCost,
                        s.maxTokens(),
                        s.maxCost(),
                        s.resetAt())
                .overBudget();
    }

    /** Adds usage reported at {@code now} to the day's counters of the keys that have a budget. */
    void add(Collection<UsageDelta> usage, Instant now) {
        String key = okeys.daily(LocalDate.ofInstant(now, ZoneOffset.UTC));
        var async = redis.shared().async();
        for (UsageDelta u : usage) {
            if (has(u.apiKey())) {
                async.hincrby(key, u.apiKey() + "|tokens", u.tokensIn() + u.tokensOut());
                async.hincrbyfloat(key, u.apiKey() + "|cost", u.cost());
                async.expire(key, KEEP);
            }
        }
    }
}
