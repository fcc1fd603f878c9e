package io.agentfleet.worker.llm;

import io.agentfleet.messages.Metadata;

/** Adds up the tokens and cost of every call one task makes (answers, repairs, summaries). Not thread-safe. */
final class Usage {
    private long tokensIn;
    private long tokensOut;
    private double cost;
    private String model;

    /** What one call cost. */
    record Spent(long tokensIn, long tokensOut, double cost) {}

    /**
     * Counts one call with the provider's token counts; a provider that reports none is estimated with the model's
     * tokenizer. The cost is the agent type's price, else the price table's for the model that answered.
     */
    Spent add(LlmSettings settings, LlmRequest request, LlmResponse response) {
        TokenCounter counter = settings.tokenCounter();
        long in = response.tokensIn() != null ? response.tokensIn() : counter.count(request.text());
        long out = response.tokensOut() != null ? response.tokensOut() : counter.count(response.text());
        double spent = settings.costOf(response.model(), in, out);
        tokensIn += in;
        tokensOut += out;
        cost += spent;
        return new Spent(in, out, spent);
    }

    /** The model named in the result: the one that gave the task's answer. */
    void answeredBy(String answeringModel) {
        this.model = answeringModel;
    }

    Metadata toMetadata(long latencyMs) {
        double roundedCost = Math.round(cost * 1_000_000d) / 1_000_000d;
        return new Metadata(tokensIn, tokensOut, roundedCost, model, latencyMs, null);
    }
}
