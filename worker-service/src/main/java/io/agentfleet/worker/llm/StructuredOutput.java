package io.agentfleet.worker.llm;

import io.agentfleet.messages.config.ConfigException;
import java.util.Locale;

/** How a JSON agent type with an output schema gets answers that satisfy it. */
enum StructuredOutput {
    /** The provider constrains the answer: OpenAI {@code response_format} json_schema, Anthropic a forced tool. */
    NATIVE,
    /** The schema goes into the system prompt and invalid answers are sent back for repair (servers without native). */
    PROMPT;

    static StructuredOutput parse(String key, String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "native" -> NATIVE;
            case "prompt" -> PROMPT;
            default -> throw new ConfigException(key, key + " must be native or prompt, but was '" + value + "'");
        };
    }
}
