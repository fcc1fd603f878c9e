package io.agentfleet.worker.llm;

import java.util.ArrayList;
import java.util.List;

/**
 * A provider-neutral request: the system prompt, the turns (user first), and the tools the model may call (empty for
 * none). The agent type's output schema travels in {@link LlmSettings}, since it is fixed per agent type.
 */
record LlmRequest(String system, List<ChatMessage> messages, List<ToolDefinition> tools) {
    LlmRequest {
        messages = List.copyOf(messages);
        tools = List.copyOf(tools);
    }

    LlmRequest(String system, List<ChatMessage> messages) {
        this(system, messages, List.of());
    }

    /** Everything the model reads, as one text: the input to token counts. */
    String text() {
        StringBuilder text = new StringBuilder(system == null ? "" : system);
        messages.forEach(m -> text.append('\n').append(m.text()));
        tools.forEach(t -> text.append('\n')
                .append(t.name())
                .append(' ')
                .append(t.description())
                .append(t.parameters()));
        return text.toString();
    }

    LlmRequest followedBy(ChatMessage... more) {
        List<ChatMessage> all = new ArrayList<>(messages);
        all.addAll(List.of(more));
        return new LlmRequest(system, all, tools);
    }

    LlmRequest withTools(List<ToolDefinition> definitions) {
        return new LlmRequest(system, messages, definitions);
    }
}
