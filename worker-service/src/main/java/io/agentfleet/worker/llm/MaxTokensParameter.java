package io.agentfleet.worker.llm;

import io.agentfleet.messages.config.ConfigException;

/**
 * The OpenAI request field carrying the answer's token limit: {@code max_completion_tokens} (current; reasoning
 * models reject the other) or {@code max_tokens} for compatible servers that only know the old name.
 */
enum MaxTokensParameter {
    MAX_COMPLETION_TOKENS("max_completion_tokens"),
    MAX_TOKENS("max_tokens");

    private final String wireName;

    MaxTokensParameter(String wireName) {
        this.wireName = wireName;
    }

    String wireName() {
        return wireName;
    }

    static MaxTokensParameter parse(String key, String value) {
        for (MaxTokensParameter parameter : values()) {
            if (parameter.wireName.equals(value.trim())) {
                return parameter;
            }
        }
        throw new ConfigException(key, key + " must be max_completion_tokens or max_tokens, but was '" + value + "'");
    }
}
