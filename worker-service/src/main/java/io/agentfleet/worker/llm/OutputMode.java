package io.agentfleet.worker.llm;

/** What an agent type's answer is: free text, or one JSON value parsed (and validated) into the result. */
enum OutputMode {
    TEXT,
    JSON;

    static OutputMode parse(String key, String value) {
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "text" -> TEXT;
            case "json" -> JSON;
            default -> throw new LlmConfigException(key + " must be text or json, but was '" + value + "'");
        };
    }
}
