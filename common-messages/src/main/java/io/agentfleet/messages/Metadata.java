package io.agentfleet.messages;

/**
 * Usage reported with a result, so that budgets and cost attribution work: tokens in and out, cost (in the
 * configured currency, USD by default), model, handler latency and the agent's confidence. Every field may be
 * null.
 */
public record Metadata(Long tokensIn, Long tokensOut, Double cost, String model, Long latencyMs, Double confidence) {
    public static final Metadata EMPTY = new Metadata(null, null, null, null, null, null);

    public Metadata {
        requireNonNegative("metadata.tokensIn", tokensIn);
        requireNonNegative("metadata.tokensOut", tokensOut);
        if (cost != null && (cost < 0 || cost.isNaN())) {
            throw new InvalidMessageException("metadata.cost", "must be >= 0, but was " + cost);
        }
    }

    /** Tokens in plus tokens out, counting a missing side as 0. */
    public long totalTokens() {
        return (tokensIn == null ? 0 : tokensIn) + (tokensOut == null ? 0 : tokensOut);
    }

    public Metadata withLatencyMs(long latency) {
        return new Metadata(tokensIn, tokensOut, cost, model, latency, confidence);
    }

    private static void requireNonNegative(String field, Long value) {
        if (value != null && value < 0) {
            throw new InvalidMessageException(field, "must be >= 0, but was " + value);
        }
    }
}
