package io.agentfleet.worker.llm;

import io.agentfleet.messages.Metadata;

/** Adds up the tokens and cost of every call one task makes (answers, repairs, summaries). Not thread-safe. */
final class Usage {
    private long tokensIn;
    private long tokensOut;
    private double cost;
    private String model;

    /** Counts one call; a provider that reports no usage is estimated at four characters a token. */
    void add(LlmSettings settings, LlmRequest request, LlmResponse response) {
        long in = response.tokensIn() != null ? response.tokensIn() : estimateTokens(request.chars());
        long out = response.tokensOut() != null
                ? response.tokensOut()
                : estimateTokens(response.text().length());
        tokensIn += in;
        tokensOut += out;
        cost += settings.costOf(in, out);
    }

    /** The model named in the result: the one that gave the task's answer. */
    void answeredBy(String answeringModel) {
        this.model = answeringModel;
    }

    Metadata toMetadata(long latencyMs) {
        double roundedCost = Math.round(cost * 1_000_000d) / 1_000_000d;
        return new Metadata(tokensIn, tokensOut, roundedCost, model, latencyMs, null);
    }

    static long estimateTokens(long chars) {
        return (chars + ContextFitter.CHARS_PER_TOKEN - 1) / ContextFitter.CHARS_PER_TOKEN;
    }
}
