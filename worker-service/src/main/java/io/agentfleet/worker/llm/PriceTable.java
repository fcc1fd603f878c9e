package io.agentfleet.worker.llm;

import io.agentfleet.messages.config.ConfigException;
import io.agentfleet.messages.config.ConfigValues;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Prices per million tokens by model name prefix: the longest prefix of the answering model wins, so
 * {@code gpt-4o-mini-2024-07-18} is priced as {@code gpt-4o-mini}, not {@code gpt-4o}. The defaults are examples of
 * list prices (USD) at the time of writing; override them with {@code fleet.llm-prices} for your contract.
 */
record PriceTable(Map<String, Price> byModelPrefix) {
    /** Input and output price per million tokens. */
    record Price(double inPerMillion, double outPerMillion) {
        double costOf(long tokensIn, long tokensOut) {
            return tokensIn / 1_000_000.0 * inPerMillion + tokensOut / 1_000_000.0 * outPerMillion;
        }
    }

    static final PriceTable DEFAULTS = new PriceTable(defaults());

    PriceTable {
        byModelPrefix = Map.copyOf(byModelPrefix);
    }

    private static Map<String, Price> defaults() {
        Map<String, Price> prices = new LinkedHashMap<>();
        prices.put("gpt-4o", new Price(2.50, 10.00));
        prices.put("gpt-4o-mini", new Price(0.15, 0.60));
        prices.put("gpt-4.1", new Price(2.00, 8.00));
        prices.put("gpt-4.1-mini", new Price(0.40, 1.60));
        prices.put("gpt-4.1-nano", new Price(0.10, 0.40));
        prices.put("o3", new Price(2.00, 8.00));
        prices.put("o4-mini", new Price(1.10, 4.40));
        prices.put("claude-opus-4", new Price(15.00, 75.00));
        prices.put("claude-sonnet-4", new Price(3.00, 15.00));
        prices.put("claude-3-5-haiku", new Price(0.80, 4.00));
        return prices;
    }

    /** The price of {@code model}, or empty when no prefix matches (the call then costs 0). */
    Optional<Price> priceOf(String model) {
        if (model == null) {
            return Optional.empty();
        }
        String name = model.toLowerCase(Locale.ROOT);
        return byModelPrefix.entrySet().stream()
                .filter(e -> name.startsWith(e.getKey()))
                .max(Comparator.comparingInt(e -> e.getKey().length()))
                .map(Map.Entry::getValue);
    }

    /**
     * This table with the entries of {@code spec} added or replaced: {@code model=in/out} pairs, comma-separated,
     * prices per million tokens, e.g. {@code gpt-4o=2.5/10,my-llama=0/0}.
     */
    PriceTable overriddenBy(String key, String spec) {
        Map<String, Price> prices = new LinkedHashMap<>(byModelPrefix);
        for (String entry : spec.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int equals = entry.indexOf('=');
            int slash = entry.indexOf('/', Math.max(equals, 0));
            if (equals <= 0 || slash < 0) {
                throw new ConfigException(
                        key,
                        key + " entries must be model=in/out (per million tokens), but got '" + entry.strip() + "'");
            }
            String model = entry.substring(0, equals).strip().toLowerCase(Locale.ROOT);
            double in = ConfigValues.parseDouble(
                    key, entry.substring(equals + 1, slash).strip(), 0, Double.MAX_VALUE);
            double out =
                    ConfigValues.parseDouble(key, entry.substring(slash + 1).strip(), 0, Double.MAX_VALUE);
            prices.put(model, new Price(in, out));
        }
        return new PriceTable(prices);
    }
}
