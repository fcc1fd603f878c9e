package io.agentfleet.worker.llm;

import java.util.List;

/** A provider-neutral request: the system prompt and the turns, user first and alternating. */
record LlmRequest(String system, List<ChatMessage> messages) {
    LlmRequest {
        messages = List.copyOf(messages);
    }

    /** Characters sent, for token estimates (about four characters a token). */
    long chars() {
        return (system == null ? 0 : system.length())
                + messages.stream().mapToLong(m -> m.content().length()).sum();
    }

    LlmRequest followedBy(ChatMessage... more) {
        List<ChatMessage> all = new java.util.ArrayList<>(messages);
        all.addAll(List.of(more));
        return new LlmRequest(system, all);
    }
}
