package io.agentfleet.worker.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.worker.spi.HandlerFailure;
import java.util.ArrayList;
import java.util.List;

/**
 * The task-content side of tool calling: {@code content.tools} (definitions: {@code name}, {@code description},
 * {@code parameters} as a JSON Schema object), {@code content.conversation} (earlier turns of the exchange, after the
 * task prompt: {@code {"role": "assistant", "text", "toolCalls": [{id, name, arguments}]}} and {@code {"role": "tool",
 * "results": [{callId, name, content, isError}]}}), and the output's {@code toolCalls}. A malformed field fails the
 * task permanently with {@code INVALID_INPUT} naming the field.
 */
final class ToolExchange {
    static final String TOOLS = "tools";
    static final String CONVERSATION = "conversation";
    static final String TOOL_CALLS = "toolCalls";

    private ToolExchange() {}

    static List<ToolDefinition> definitions(JsonNode content) {
        JsonNode tools = content.path(TOOLS);
        if (tools.isMissingNode() || tools.isNull()) {
            return List.of();
        }
        if (!tools.isArray()) {
            throw invalid(TOOLS, "must be an array of tool definitions");
        }
        List<ToolDefinition> definitions = new ArrayList<>();
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            String field = TOOLS + "[" + i + "]";
            try {
                ToolDefinition definition = new ToolDefinition(
                        requireText(tool, "name", field),
                        tool.path("description").asText(""),
                        tool.path("parameters"));
                if (WireFormat.OUTPUT_TOOL.equals(definition.name())) {
                    throw invalid(
                            field + ".name", "'" + WireFormat.OUTPUT_TOOL + "' is reserved for structured answers");
                }
                if (definitions.stream().anyMatch(d -> d.name().equals(definition.name()))) {
                    throw invalid(field + ".name", "'" + definition.name() + "' is defined twice");
                }
                definitions.add(definition);
            } catch (IllegalArgumentException e) {
                throw invalid(field, e.getMessage());
            }
        }
        return definitions;
    }

    static List<ChatMessage> conversation(JsonNode content) {
        JsonNode turns = content.path(CONVERSATION);
        if (turns.isMissingNode() || turns.isNull()) {
            return List.of();
        }
        if (!turns.isArray()) {
            throw invalid(CONVERSATION, "must be an array of turns");
        }
        List<ChatMessage> messages = new ArrayList<>();
        for (int i = 0; i < turns.size(); i++) {
            messages.add(turn(turns.get(i), CONVERSATION + "[" + i + "]"));
        }
        return messages;
    }

    private static ChatMessage turn(JsonNode turn, String field) {
        String role = requireText(turn, "role", field);
        return switch (role) {
            case "user" -> ChatMessage.user(requireText(turn, "text", field));
            case "assistant" -> new ChatMessage.Assistant(turn.path("text").asText(""), calls(turn, field));
            case "tool" -> new ChatMessage.ToolResults(results(turn, field));
            default -> throw invalid(field + ".role", "must be user, assistant or tool, but was '" + role + "'");
        };
    }

    private static List<ToolCall> calls(JsonNode turn, String field) {
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode call : turn.path(TOOL_CALLS)) {
            String at = field + "." + TOOL_CALLS + "[" + calls.size() + "]";
            JsonNode arguments = call.path("arguments");
            if (!arguments.isObject()) {
                throw invalid(at + ".arguments", "must be a JSON object");
            }
            calls.add(new ToolCall(requireText(call, "id", at), requireText(call, "name", at), arguments));
        }
        return calls;
    }

    private static List<ToolResult> results(JsonNode turn, String field) {
        JsonNode entries = turn.path("results");
        if (!entries.isArray() || entries.isEmpty()) {
            throw invalid(field + ".results", "must be a non-empty array");
        }
        List<ToolResult> results = new ArrayList<>();
        for (JsonNode entry : entries) {
            String at = field + ".results[" + results.size() + "]";
            JsonNode value = entry.path("content");
            String text = value.isTextual() ? value.asText() : value.isMissingNode() ? "" : value.toString();
            results.add(new ToolResult(
                    requireText(entry, "callId", at),
                    requireText(entry, "name", at),
                    text,
                    entry.path("isError").asBoolean(false)));
        }
        return results;
    }

    /** The output of a turn that asked for tools: {@code text}, {@code toolCalls} and {@code stopReason}. */
    static ObjectNode toolCallsOutput(LlmResponse response) {
        ObjectNode output = JsonNodeFactory.instance.objectNode();
        output.put("text", response.text());
        ArrayNode calls = output.putArray(TOOL_CALLS);
        for (ToolCall call : response.toolCalls()) {
            calls.addObject().put("id", call.id()).put("name", call.name()).set("arguments", call.arguments());
        }
        if (response.stopReason() != null) {
            output.put("stopReason", response.stopReason());
        }
        return output;
    }

    private static String requireText(JsonNode node, String name, String field) {
        JsonNode value = node.path(name);
        if (!value.isTextual() || value.asText().isBlank()) {
            throw invalid(field + "." + name, "must be a non-empty string");
        }
        return value.asText();
    }

    private static HandlerFailure invalid(String field, String reason) {
        return HandlerFailure.permanent("INVALID_INPUT", "content." + field + " " + reason);
    }
}
