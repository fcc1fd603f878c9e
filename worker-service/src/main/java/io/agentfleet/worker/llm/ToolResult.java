package io.agentfleet.worker.llm;

import java.util.Objects;

/**
 * What one tool call produced, fed back to the model in the next turn.
 *
 * @param callId the {@link ToolCall#id()} it answers
 * @param name the tool's name
 * @param content the result as text (JSON results are sent as their JSON text)
 * @param isError whether the tool failed; the content then says why
 */
record ToolResult(String callId, String name, String content, boolean isError) {
    ToolResult {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(content, "content");
    }
}
