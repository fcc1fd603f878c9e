package io.agentfleet.worker.llm;

import java.util.List;
import java.util.Objects;

/** One turn of a conversation; the system prompt travels separately in {@link LlmRequest}. */
sealed interface ChatMessage permits ChatMessage.User, ChatMessage.Assistant, ChatMessage.ToolResults {

    /** The text this turn puts in front of the model, for token counts. */
    String text();

    /** A user turn: plain text. */
    record User(String text) implements ChatMessage {
        public User {
            Objects.requireNonNull(text, "text");
        }
    }

    /** A model turn: its text (may be empty) and the tool calls it asked for (may be empty). */
    record Assistant(String content, List<ToolCall> toolCalls) implements ChatMessage {
        public Assistant {
            Objects.requireNonNull(content, "content");
            toolCalls = List.copyOf(toolCalls);
        }

        @Override
        public String text() {
            StringBuilder text = new StringBuilder(content);
            toolCalls.forEach(call -> text.append('\n').append(call.name()).append(call.arguments()));
            return text.toString();
        }
    }

    /** The results of the previous assistant turn's tool calls, in the order of the calls. */
    record ToolResults(List<ToolResult> results) implements ChatMessage {
        public ToolResults {
            if (results.isEmpty()) {
                throw new IllegalArgumentException("a tool results turn needs at least one result");
            }
            results = List.copyOf(results);
        }

        @Override
        public String text() {
            StringBuilder text = new StringBuilder();
            results.forEach(result -> text.append('\n').append(result.content()));
            return text.toString();
        }
    }

    static ChatMessage user(String text) {
        return new User(text);
    }

    static ChatMessage assistant(String text) {
        return new Assistant(text, List.of());
    }
}
