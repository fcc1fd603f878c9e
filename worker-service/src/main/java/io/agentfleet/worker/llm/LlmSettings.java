package io.agentfleet.worker.llm;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Everything the {@code llm} handler needs for one agent type, validated by {@link LlmSettingsLoader} at start-up.
 * The API key sits behind {@link ApiKey}, so this record's {@code toString} never shows it.
 *
 * @param agentType the agent type these settings serve
 * @param provider the wire format
 * @param baseUrl the provider endpoint's base URL
 * @param model the model name sent with each request
 * @param maxTokens the answer's token limit
 * @param temperature the sampling temperature, or null for the provider's default
 * @param systemPrompt the agent type's system prompt
 * @param apiKey where the key comes from
 * @param apiKeyHeader a header carrying the raw key instead of the provider's usual one (Azure: {@code api-key}), or null
 * @param contextLimitTokens the model's context window; prompts are cut to fit it
 * @param summarizer an agent type whose settings condense oversized context before cutting, or null
 * @param output text or JSON answers
 * @param outputSchema the schema JSON answers must satisfy, or null
 * @param structuredOutput whether an output schema is enforced by the provider or by prompt and repairs
 * @param maxTokensParameter the OpenAI request field for {@code maxTokens}
 * @param price the agent type's own price, or null to look the answering model up in {@code prices}
 * @param prices the price table per model
 * @param requestsPerMinute the provider key's request limit shared by all replicas, 0 for none
 * @param tokensPerMinute the provider key's token limit shared by all replicas, 0 for none
 * @param rateLimitBurst how much unused rate may be saved up: bucket capacity = rate × this
 * @param connectTimeout TCP/TLS connect timeout
 * @param readTimeout time allowed for the whole answer
 * @param outputRepairs how many times an invalid JSON answer is sent back with the validation error
 * @param circuitFailureThreshold consecutive endpoint failures that open the circuit
 * @param circuitOpenDuration how long an open circuit fails calls fast before letting a trial call through
 */
record LlmSettings(
        String agentType,
        Provider provider,
        URI baseUrl,
        String model,
        int maxTokens,
        Double temperature,
        String systemPrompt,
        ApiKey apiKey,
        String apiKeyHeader,
        int contextLimitTokens,
        String summarizer,
        OutputMode output,
        OutputSchema outputSchema,
        StructuredOutput structuredOutput,
        MaxTokensParameter maxTokensParameter,
        PriceTable.Price price,
        PriceTable prices,
        int requestsPerMinute,
        int tokensPerMinute,
        Duration rateLimitBurst,
        Duration connectTimeout,
        Duration readTimeout,
        int outputRepairs,
        int circuitFailureThreshold,
        Duration circuitOpenDuration) {

    LlmSettings {
        Objects.requireNonNull(agentType, "agentType");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(structuredOutput, "structuredOutput");
        Objects.requireNonNull(maxTokensParameter, "maxTokensParameter");
        Objects.requireNonNull(prices, "prices");
    }

    /** These settings with the answer's token limit lowered to {@code cap} when that is lower; unchanged otherwise. */
    LlmSettings cappedAt(long cap) {
        if (cap <= 0 || cap >= maxTokens) {
            return this;
        }
        return new LlmSettings(
                agentType,
                provider,
                baseUrl,
                model,
                (int) cap,
                temperature,
                systemPrompt,
                apiKey,
                apiKeyHeader,
                contextLimitTokens,
                summarizer,
                output,
                outputSchema,
                structuredOutput,
                maxTokensParameter,
                price,
                prices,
                requestsPerMinute,
                tokensPerMinute,
                rateLimitBurst,
                connectTimeout,
                readTimeout,
                outputRepairs,
                circuitFailureThreshold,
                circuitOpenDuration);
    }

    /** The endpoint's identity: base URL plus key, hashed so that neither the key nor a hint of it reaches Redis. */
    String endpointId() {
        String material = baseUrl + "\n" + apiKey.value().orElse("");
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(material.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    boolean isRateLimited() {
        return requestsPerMinute > 0 || tokensPerMinute > 0;
    }

    /** Input plus output cost of one call: the agent type's own price, else the table's for the answering model. */
    double costOf(String answeringModel, long tokensIn, long tokensOut) {
        PriceTable.Price applied = price != null
                ? price
                : prices.priceOf(answeringModel).or(() -> prices.priceOf(model)).orElse(null);
        return applied == null ? 0 : applied.costOf(tokensIn, tokensOut);
    }

    /** The output schema when the provider enforces it natively, else null (text, schemaless JSON, or prompt mode). */
    OutputSchema nativeOutputSchema() {
        return output == OutputMode.JSON && structuredOutput == StructuredOutput.NATIVE ? outputSchema : null;
    }

    TokenCounter tokenCounter() {
        return TokenCounter.forModel(provider, model);
    }
}
