package io.agentfleet.worker.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;

/** How one provider's HTTP API spells a request and an answer. */
sealed interface WireFormat permits WireFormat.OpenAiChat, WireFormat.AnthropicMessages {

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
    LlmResponse parse(JsonNode body, String configuredModel);

    /** OpenAI-compatible {@code POST {base}/chat/completions}; the base URL usually ends in {@code /v1}. */
    record OpenAiChat() implements WireFormat {
        @Override
        public URI endpoint(URI baseUrl) {
            return appendPath(baseUrl, "/chat/completions");
        }

        @Override
        public void authenticate(HttpRequest.Builder request, LlmSettings settings, String key) {
            if (settings.apiKeyHeader() != null) {
                request.header(settings.apiKeyHeader(), key);
            } else {
                request.header("Authorization", "Bearer " + key);
            }
        }

        @Override
        public ObjectNode body(LlmSettings settings, LlmRequest request) {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.put("model", settings.model());
            ArrayNode messages = body.putArray("messages");
            if (request.system() != null && !request.system().isEmpty()) {
                messages.addObject().put("role", "system").put("content", request.system());
            }
            request.messages()
                    .forEach(m -> messages.addObject().put("role", m.role()).put("content", m.content()));
            body.put("max_tokens", settings.maxTokens());
            if (settings.temperature() != null) {
                body.put("temperature", settings.temperature());
            }
            return body;
        }

        @Override
        public LlmResponse parse(JsonNode body, String configuredModel) {
            JsonNode choice = body.path("choices").path(0);
            JsonNode message = choice.path("message");
            if (!message.isObject()) {
                throw new IllegalArgumentException("no choices[0].message in the answer");
            }
            JsonNode content = message.path("content");
            if (!(content.isTextual() || content.isNull() || content.isMissingNode())) {
                throw new IllegalArgumentException("choices[0].message.content is not text");
            }
            JsonNode usage = body.path("usage");
            return new LlmResponse(
                    content.isTextual() ? content.asText() : "",
                    text(body.path("model"), configuredModel),
                    count(usage.path("prompt_tokens")),
                    count(usage.path("completion_tokens")),
                    text(choice.path("finish_reason"), null));
        }
    }

    /** Anthropic {@code POST {base}/v1/messages} with {@code x-api-key} and {@code anthropic-version}. */
    record AnthropicMessages() implements WireFormat {
        static final String API_VERSION = "2023-06-01";

        @Override
        public URI endpoint(URI baseUrl) {
            String path = baseUrl.getPath() == null ? "" : baseUrl.getPath();
            return appendPath(baseUrl, path.endsWith("/v1") || path.endsWith("/v1/") ? "/messages" : "/v1/messages");
        }

        @Override
        public void authenticate(HttpRequest.Builder request, LlmSettings settings, String key) {
            request.header(settings.apiKeyHeader() != null ? settings.apiKeyHeader() : "x-api-key", key);
        }

        @Override
        public ObjectNode body(LlmSettings settings, LlmRequest request) {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.put("model", settings.model());
            body.put("max_tokens", settings.maxTokens());
            if (request.system() != null && !request.system().isEmpty()) {
                body.put("system", request.system());
            }
            ArrayNode messages = body.putArray("messages");
            request.messages()
                    .forEach(m -> messages.addObject().put("role", m.role()).put("content", m.content()));
            if (settings.temperature() != null) {
                body.put("temperature", settings.temperature());
            }
            return body;
        }

        @Override
        public LlmResponse parse(JsonNode body, String configuredModel) {
            JsonNode content = body.path("content");
            if (!content.isArray()) {
                throw new IllegalArgumentException("no content array in the answer");
            }
            StringBuilder text = new StringBuilder();
            for (JsonNode block : content) {
                if ("text".equals(block.path("type").asText())
                        && block.path("text").isTextual()) {
                    text.append(block.path("text").asText());
                }
            }
            JsonNode usage = body.path("usage");
            return new LlmResponse(
                    text.toString(),
                    text(body.path("model"), configuredModel),
                    count(usage.path("input_tokens")),
                    count(usage.path("output_tokens")),
                    text(body.path("stop_reason"), null));
        }
    }

    /** The provider's error message from an error body ({@code error.message} in both formats), or null. */
    static String errorMessage(JsonNode body) {
        JsonNode message = body.path("error").path("message");
        if (message.isTextual()) {
            return message.asText();
        }
        JsonNode error = body.path("error");
        return error.isTextual() ? error.asText() : null;
    }

    private static URI appendPath(URI base, String suffix) {
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        if (path.endsWith(suffix)) {
            return base;
        }
        String joined = (path.endsWith("/") ? path.substring(0, path.length() - 1) : path) + suffix;
        String query = base.getRawQuery() == null ? "" : "?" + base.getRawQuery();
        String port = base.getPort() < 0 ? "" : ":" + base.getPort();
        return URI.create(base.getScheme() + "://" + base.getHost() + port + joined + query);
    }

    private static String text(JsonNode node, String fallback) {
        return node.isTextual() && !node.asText().isEmpty() ? node.asText() : fallback;
    }

    private static Long count(JsonNode node) {
        return node.canConvertToLong() && node.asLong() >= 0 ? node.asLong() : null;
    }
}
