package io.agentfleet.worker.llm;

/**
 * A provider's answer.
 *
 * @param text the answer text (empty when the model said nothing)
 * @param model the model that answered, as the provider reports it
 * @param tokensIn input tokens as the provider counted them, or null when it did not say
 * @param tokensOut output tokens, or null
 * @param stopReason why generation stopped ({@code stop}, {@code length}, {@code end_turn}, ...), or null
 */
record LlmResponse(String text, String model, Long tokensIn, Long tokensOut, String stopReason) {}
