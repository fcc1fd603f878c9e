package io.agentfleet.worker.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI-compatible {@code POST {base}/chat/completions}; the base URL usually ends in {@code /v1}. The answer limit
 * goes in {@code max_completion_tokens} (or {@code max_tokens} for servers that want it), an output schema in
 * {@code response_format: {type: json_schema, json_schema: {name, schema, strict: true}}}, tools as
 * {@code {type: function, function: {name, description, parameters}}}.
 */
record OpenAiChat() implements WireFormat {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    public URI endpoint(URI baseUrl) {
        return WireFormat.appendPath(baseUrl, "/chat/completions");
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
        request.messages().forEach(m -> addMessage(messages, m));
        body.put(settings.maxTokensParameter().wireName(), settings.maxTokens());
        if (settings.temperature() != null) {
            body.put("temperature", settings.temperature());
        }
        if (!request.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            for (ToolDefinition tool : request.tools()) {
                ObjectNode function = tools.addObject().put("type", "function").putObject("function");
                function.put("name", tool.name()).put("description", tool.description());
                function.set("parameters", tool.parameters());
            }
            body.put("tool_choice", "auto");
        }
        OutputSchema schema = settings.nativeOutputSchema();
        if (schema != null) {
            ObjectNode format = body.putObject("response_format").put("type", "json_schema");
            ObjectNode jsonSchema = format.putObject("json_schema").put("name", schemaName(settings.agentType()));
            jsonSchema.set("schema", schema.json());
            jsonSchema.put("strict", true);
        }
        return body;
    }

    private static void addMessage(ArrayNode messages, ChatMessage message) {
        switch (message) {
            case ChatMessage.User user ->
                messages.addObject().put("role", "user").put("content", user.text());
            case ChatMessage.Assistant assistant -> {
                ObjectNode turn = messages.addObject().put("role", "assistant");
                if (assistant.toolCalls().isEmpty() || !assistant.content().isEmpty()) {
                    turn.put("content", assistant.content());
                } else {
                    turn.putNull("content");
                }
                if (!assistant.toolCalls().isEmpty()) {
                    ArrayNode calls = turn.putArray("tool_calls");
                    for (ToolCall call : assistant.toolCalls()) {
                        ObjectNode entry =
                                calls.addObject().put("id", call.id()).put("type", "function");
                        entry.putObject("function")
                                .put("name", call.name())
                                .put("arguments", call.arguments().toString());
                    }
                }
            }
            case ChatMessage.ToolResults results -> {
                for (ToolResult result : results.results()) {
                    messages.addObject()
                            .put("role", "tool")
                            .put("tool_call_id", result.callId())
                            .put("content", result.isError() ? "ERROR: " + result.content() : result.content());
                }
            }
        }
    }

    /** {@code json_schema.name} allows letters, digits, {@code _} and {@code -}, at most 64. */
    static String schemaName(String agentType) {
        String name = agentType.replaceAll("[^A-Za-z0-9_-]", "_");
        return name.length() <= 64 ? name : name.substring(0, 64);
    }

    @Override
    public LlmResponse parse(JsonNode body, LlmSettings settings) {
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
                WireFormat.text(body.path("model"), settings.model()),
                WireFormat.count(usage.path("prompt_tokens")),
                WireFormat.count(usage.path("completion_tokens")),
                WireFormat.text(choice.path("finish_reason"), null),
                toolCalls(message.path("tool_calls")),
                WireFormat.text(body.path("id"), null),
                WireFormat.text(message.path("refusal"), null));
    }

    private static List<ToolCall> toolCalls(JsonNode calls) {
        if (calls.isMissingNode() || calls.isNull()) {
            return List.of();
        }
        if (!calls.isArray()) {
            throw new IllegalArgumentException("choices[0].message.tool_calls is not an array");
        }
        List<ToolCall> parsed = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            JsonNode call = calls.get(i);
            String id = WireFormat.text(call.path("id"), null);
            String name = WireFormat.text(call.path("function").path("name"), null);
            JsonNode arguments = call.path("function").path("arguments");
            if (id == null || name == null || !arguments.isTextual()) {
                throw new IllegalArgumentException(
                        "tool_calls[" + i + "] lacks id, function.name or function.arguments");
            }
            parsed.add(new ToolCall(id, name, arguments(i, name, arguments.asText())));
        }
        return parsed;
    }

    private static JsonNode arguments(int index, String name, String text) {
        try {
            JsonNode value = MAPPER.readTree(text.isBlank() ? "{}" : text);
            if (value == null || !value.isObject()) {
                throw new IllegalArgumentException(
                        "tool_calls[" + index + "] (" + name + ") has arguments that are not a JSON object");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("tool_calls[" + index + "] (" + name
                    + ") has arguments that are not JSON: " + e.getOriginalMessage());
        }
    }
}
