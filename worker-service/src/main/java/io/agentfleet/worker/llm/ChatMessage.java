package io.agentfleet.worker.llm;

import java.util.Objects;

/** One turn of a conversation: {@code user} or {@code assistant}; the system prompt travels separately. */
record ChatMessage(String role, String content) {
    static final String USER = "user";
    static final String ASSISTANT = "assistant";

    ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }

    static ChatMessage user(String content) {
        return new ChatMessage(USER, content);
    }

    static ChatMessage assistant(String content) {
        return new ChatMessage(ASSISTANT, content);
    }
}
