package io.agentfleet.worker.llm;

import java.util.List;

/**
 * A provider's answer.
 *
 * @param text the answer text (empty when the model said nothing); for a structured answer through Anthropic's forced
 *     tool, the tool input's JSON text
 * @param model the model that answered, as the provider reports it
 * @param tokensIn input tokens as the provider counted them, or null when it did not say
 * @param tokensOut output tokens, or null
 * @param stopReason why generation stopped ({@code stop}, {@code length}, {@code tool_calls}, {@code end_turn},
 *     {@code tool_use}, ...), or null
 * @param toolCalls the tool calls the model asked for, in its order (empty for a final answer)
 * @param id the provider's id of this answer, or null
 * @param refusal why the model declined to answer (OpenAI's {@code message.refusal}, Anthropic's {@code stop_reason:
 *     refusal}), or null when it answered
 */
record LlmResponse(
        String text,
        String model,
        Long tokensIn,
        Long tokensOut,
        String stopReason,
        List<ToolCall> toolCalls,
        String id,
        String refusal) {
    LlmResponse {
        toolCalls = List.copyOf(toolCalls);
    }

    boolean hasToolCalls() {
        return !toolCalls.isEmpty();
    }
}
