package io.agentfleet.orchestrator.config;

import java.util.Map;

/**
 * Daily budgets per API key ({@code fleet.api-key-daily-tokens}, {@code fleet.api-key-daily-cost}), counted per UTC
 * day; a key not listed has none.
 *
 * @param dailyTokens most tokens a key's runs may spend in one UTC day, by key name
 * @param dailyCost most cost a key's runs may spend in one UTC day, by key name
 */
public record KeyBudgets(Map<String, Long> dailyTokens, Map<String, Double> dailyCost) {
    public static final KeyBudgets NONE = new KeyBudgets(Map.of(), Map.of());

    public KeyBudgets {
        dailyTokens = Map.copyOf(dailyTokens);
        dailyCost = Map.copyOf(dailyCost);
    }

    public boolean has(String keyName) {
        return dailyTokens.containsKey(keyName) || dailyCost.containsKey(keyName);
    }
}
