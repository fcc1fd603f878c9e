package io.agentfleet.worker.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * Anthropic {@code POST {base}/v1/messages} with {@code x-api-key} and {@code anthropic-version}. Tools are
 * {@code {name, description, input_schema}}; calls come back as {@code tool_use} blocks and results go back as
 * {@code tool_result} blocks of a user turn. An output schema becomes the tool {@value WireFormat#OUTPUT_TOOL}: forced
 * with {@code tool_choice: {type: tool, name}} when the request has no tools of its own, else offered with them under
 * {@code tool_choice: {type: any}}; its {@code tool_use} input is the answer.
 */
record AnthropicMessages() implements WireFormat {
    static final String API_VERSION = "2023-06-01";

    @Override
    public URI endpoint(URI baseUrl) {
        String path = baseUrl.getPath() == null ? "" : baseUrl.getPath();
        return WireFormat.appendPath(
                baseUrl, path.endsWith("/v1") || path.endsWith("/v1/") ? "/messages" : "/v1/messages");
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
        request.messages().forEach(m -> addMessage(messages, m));
        if (settings.temperature() != null) {
            body.put("temperature", settings.temperature());
        }
        addTools(body, settings, request);
        return body;
    }

    private static void addTools(ObjectNode body, LlmSettings settings, LlmRequest request) {
        OutputSchema schema = settings.nativeOutputSchema();
        if (request.tools().isEmpty() && schema == null) {
            return;
        }
        ArrayNode tools = body.putArray("tools");
        for (ToolDefinition tool : request.tools()) {
            ObjectNode entry = tools.addObject().put("name", tool.name()).put("description", tool.description());
            entry.set("input_schema", tool.parameters());
        }
        if (schema == null) {
            return;
        }
        ObjectNode output = tools.addObject()
                .put("name", OUTPUT_TOOL)
                .put("description", "Give your final answer; its input is the answer.");
        output.set("input_schema", schema.json());
        if (request.tools().isEmpty()) {
            body.putObject("tool_choice").put("type", "tool").put("name", OUTPUT_TOOL);
        } else {
            body.putObject("tool_choice").put("type", "any");
        }
    }

    private static void addMessage(ArrayNode messages, ChatMessage message) {
        switch (message) {
            case ChatMessage.User user ->
                messages.addObject().put("role", "user").put("content", user.text());
            case ChatMessage.Assistant assistant -> {
                ObjectNode turn = messages.addObject().put("role", "assistant");
                if (assistant.toolCalls().isEmpty()) {
                    turn.put("content", assistant.content());
                    return;
                }
                ArrayNode blocks = turn.putArray("content");
                if (!assistant.content().isEmpty()) {
                    blocks.addObject().put("type", "text").put("text", assistant.content());
                }
                for (ToolCall call : assistant.toolCalls()) {
                    blocks.addObject()
                            .put("type", "tool_use")
                            .put("id", call.id())
                            .put("name", call.name())
                            .set("input", call.arguments());
                }
            }
            case ChatMessage.ToolResults results -> {
                ArrayNode blocks = messages.addObject().put("role", "user").putArray("content");
                for (ToolResult result : results.results()) {
                    ObjectNode block = blocks.addObject()
                            .put("type", "tool_result")
                            .put("tool_use_id", result.callId())
                            .put("content", result.content());
                    if (result.isError()) {
                        block.put("is_error", true);
                    }
                }
            }
        }
    }

    @Override
    public LlmResponse parse(JsonNode body, LlmSettings settings) {
        JsonNode content = body.path("content");
        if (!content.isArray()) {
            throw new IllegalArgumentException("no content array in the answer");
        }
        boolean structured = settings.nativeOutputSchema() != null;
        StringBuilder text = new StringBuilder();
        String answer = null;
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode block : content) {
            String type = block.path("type").asText();
            if ("text".equals(type) && block.path("text").isTextual()) {
                text.append(block.path("text").asText());
            } else if ("tool_use".equals(type)) {
                ToolCall call = toolCall(block, calls.size());
                if (structured && OUTPUT_TOOL.equals(call.name())) {
                    answer = call.arguments().toString();
                } else {
                    calls.add(call);
                }
            }
        }
        JsonNode usage = body.path("usage");
        String stopReason = WireFormat.text(body.path("stop_reason"), null);
        String refusal =
                "refusal".equals(stopReason) ? (text.isEmpty() ? "the model declined" : text.toString()) : null;
        return new LlmResponse(
                answer != null ? answer : text.toString(),
                WireFormat.text(body.path("model"), settings.model()),
                WireFormat.count(usage.path("input_tokens")),
                WireFormat.count(usage.path("output_tokens")),
                stopReason,
                calls,
                WireFormat.text(body.path("id"), null),
                refusal);
    }

    private static ToolCall toolCall(JsonNode block, int index) {
        String id = WireFormat.text(block.path("id"), null);
        String name = WireFormat.text(block.path("name"), null);
        JsonNode input = block.path("input");
        if (id == null || name == null || !input.isObject()) {
            throw new IllegalArgumentException("tool_use block " + index + " lacks id, name or an input object");
        }
        return new ToolCall(id, name, input);
    }
}
