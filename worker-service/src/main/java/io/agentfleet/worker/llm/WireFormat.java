package io.agentfleet.worker.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;

/** How one provider's HTTP API spells a request and an answer. */
sealed interface WireFormat permits OpenAiChat, AnthropicMessages {
    /** The tool through which Anthropic gives a structured answer: forced, or offered next to the agent's own tools. */
    String OUTPUT_TOOL = "final_answer";

    static WireFormat of(Provider provider) {
        return switch (provider) {
            case OPENAI -> new OpenAiChat();
            case ANTHROPIC -> new AnthropicMessages();
        };
    }

    /** The URL to POST to, keeping a query string of the base URL (Azure's {@code api-version}). */
    URI endpoint(URI baseUrl);

    void authenticate(HttpRequest.Builder request, LlmSettings settings, String key);

    ObjectNode body(LlmSettings settings, LlmRequest request);

    /** @throws IllegalArgumentException naming what is missing when the body is not a valid answer */
    LlmResponse parse(JsonNode body, LlmSettings settings);

    /** The provider's error message from an error body ({@code error.message} in both formats), or null. */
    static String errorMessage(JsonNode body) {
        JsonNode message = body.path("error").path("message");
        if (message.isTextual()) {
            return message.asText();
        }
        JsonNode error = body.path("error");
        return error.isTextual() ? error.asText() : null;
    }

    static URI appendPath(URI base, String suffix) {
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        if (path.endsWith(suffix)) {
            return base;
        }
        String joined = (path.endsWith("/") ? path.substring(0, path.length() - 1) : path) + suffix;
        String query = base.getRawQuery() == null ? "" : "?" + base.getRawQuery();
        String port = base.getPort() < 0 ? "" : ":" + base.getPort();
        return URI.create(base.getScheme() + "://" + base.getHost() + port + joined + query);
    }

    static String text(JsonNode node, String fallback) {
        return node.isTextual() && !node.asText().isEmpty() ? node.asText() : fallback;
    }

    static Long count(JsonNode node) {
        return node.canConvertToLong() && node.asLong() >= 0 ? node.asLong() : null;
    }
}
