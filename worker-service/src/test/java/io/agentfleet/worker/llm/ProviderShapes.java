package io.agentfleet.worker.llm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The request shapes the providers document, checked field by field: OpenAI Chat Completions (messages with
 * {@code tool_calls} and {@code tool} results, {@code max_completion_tokens}, {@code tools} of type {@code function},
 * {@code tool_choice}, {@code response_format} json_schema with name, schema and strict) and Anthropic Messages
 * ({@code max_tokens}, alternating user/assistant turns, {@code tool_use}/{@code tool_result} blocks that answer each
 * other, {@code tools} with {@code input_schema}, {@code tool_choice} naming a defined tool). Each check returns the
 * violations, empty when the request is well formed.
 */
final class ProviderShapes {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private ProviderShapes() {}

    /** @param legacyMaxTokens a compatible server that wants {@code max_tokens} instead of the current field */
    static List<String> openAi(JsonNode body, boolean legacyMaxTokens) {
        List<String> problems = new ArrayList<>();
        requireText(body, "model", problems);
        if (legacyMaxTokens) {
            requirePositive(body, "max_tokens", problems);
            forbid(body, "max_completion_tokens", "this server only knows max_tokens", problems);
        } else {
            requirePositive(body, "max_completion_tokens", problems);
            forbid(body, "max_tokens", "Unsupported parameter: 'max_tokens'; use 'max_completion_tokens'", problems);
        }
        openAiMessages(body.path("messages"), problems);
        Set<String> tools = openAiTools(body.path("tools"), problems);
        JsonNode choice = body.path("tool_choice");
        if (!choice.isMissingNode()
                && !(choice.isTextual() && Set.of("auto", "none", "required").contains(choice.asText()))
                && !tools.contains(choice.path("function").path("name").asText())) {
            problems.add("tool_choice must be auto, none, required or name a defined function: " + choice);
        }
        if (!choice.isMissingNode() && tools.isEmpty()) {
            problems.add("tool_choice is only allowed when tools are specified");
        }
        JsonNode format = body.path("response_format");
        if (!format.isMissingNode()) {
            String type = format.path("type").asText();
            if (type.equals("json_schema")) {
                JsonNode schema = format.path("json_schema");
                if (!NAME.matcher(schema.path("name").asText()).matches()) {
                    problems.add("response_format.json_schema.name must match [A-Za-z0-9_-]{1,64}");
                }
                if (!schema.path("schema").isObject()) {
                    problems.add("response_format.json_schema.schema must be an object");
                }
                if (!schema.path("strict").isBoolean()) {
                    problems.add("response_format.json_schema.strict must be a boolean");
                }
            } else if (!Set.of("text", "json_object").contains(type)) {
                problems.add("response_format.type must be text, json_object or json_schema, but was " + type);
            }
        }
        return problems;
    }

    private static void openAiMessages(JsonNode messages, List<String> problems) {
        if (!messages.isArray() || messages.isEmpty()) {
            problems.add("messages must be a non-empty array");
            return;
        }
        Set<String> openCalls = new HashSet<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String at = "messages[" + i + "]";
            switch (m.path("role").asText()) {
                case "system", "user" -> {
                    if (!m.path("content").isTextual()) {
                        problems.add(at + ".content must be a string");
                    }
                }
                case "assistant" -> {
                    JsonNode content = m.path("content");
                    if (!(content.isTextual() || content.isNull())) {
                        problems.add(at + ".content must be a string or null");
                    }
                    for (JsonNode call : m.path("tool_calls")) {
                        if (!call.path("id").isTextual()
                                || !"function".equals(call.path("type").asText())) {
                            problems.add(at + ".tool_calls[] needs an id and type function");
                        }
                        if (!call.path("function").path("arguments").isTextual()) {
                            problems.add(at + ".tool_calls[].function.arguments must be a JSON string");
                        }
                        openCalls.add(call.path("id").asText());
                    }
                    if (content.isNull() && m.path("tool_calls").isEmpty()) {
                        problems.add(at + " has neither content nor tool_calls");
                    }
                }
                case "tool" -> {
                    if (!openCalls.remove(m.path("tool_call_id").asText())) {
                        problems.add(at + ".tool_call_id does not answer a preceding tool call");
                    }
                    if (!m.path("content").isTextual()) {
                        problems.add(at + ".content must be a string");
                    }
                }
                default -> problems.add(at + ".role must be system, user, assistant or tool");
            }
        }
    }

    private static Set<String> openAiTools(JsonNode tools, List<String> problems) {
        Set<String> names = new HashSet<>();
        if (tools.isMissingNode()) {
            return names;
        }
        if (!tools.isArray() || tools.isEmpty()) {
            problems.add("tools must be a non-empty array");
            return names;
        }
        for (JsonNode tool : tools) {
            JsonNode function = tool.path("function");
            if (!"function".equals(tool.path("type").asText())
                    || !NAME.matcher(function.path("name").asText()).matches()
                    || !function.path("parameters").isObject()) {
                problems.add("tools[] must be {type: function, function: {name, description, parameters}}: " + tool);
            }
            names.add(function.path("name").asText());
        }
        return names;
    }

    static List<String> anthropic(JsonNode body, String versionHeader) {
        List<String> problems = new ArrayList<>();
        if (versionHeader == null) {
            problems.add("anthropic-version header is required");
        }
        requireText(body, "model", problems);
        requirePositive(body, "max_tokens", problems);
        forbid(body, "max_completion_tokens", "not a Messages API field", problems);
        if (body.has("system") && !body.path("system").isTextual()) {
            problems.add("system must be a string");
        }
        anthropicMessages(body.path("messages"), problems);
        Set<String> tools = new HashSet<>();
        for (JsonNode tool : body.path("tools")) {
            if (!NAME.matcher(tool.path("name").asText()).matches()
                    || !"object".equals(tool.path("input_schema").path("type").asText())) {
                problems.add("tools[] must be {name, description, input_schema: {type: object, ...}}: " + tool);
            }
            tools.add(tool.path("name").asText());
        }
        JsonNode choice = body.path("tool_choice");
        if (!choice.isMissingNode()) {
            String type = choice.path("type").asText();
            if (!Set.of("auto", "any", "tool", "none").contains(type)) {
                problems.add("tool_choice.type must be auto, any, tool or none");
            }
            if (type.equals("tool") && !tools.contains(choice.path("name").asText())) {
                problems.add("tool_choice names a tool that is not defined: " + choice);
            }
            if (tools.isEmpty()) {
                problems.add("tool_choice needs tools");
            }
        }
        return problems;
    }

    private static void anthropicMessages(JsonNode messages, List<String> problems) {
        if (!messages.isArray() || messages.isEmpty()) {
            problems.add("messages must be a non-empty array");
            return;
        }
        if (!"user".equals(messages.get(0).path("role").asText())) {
            problems.add("the first message must use the user role");
        }
        Set<String> openUses = new HashSet<>();
        String previousRole = null;
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String at = "messages[" + i + "]";
            String role = m.path("role").asText();
            if (!Set.of("user", "assistant").contains(role)) {
                problems.add(at + ".role must be user or assistant");
            }
            if (role.equals(previousRole)) {
                problems.add(at + " repeats the role " + role + "; roles must alternate");
            }
            previousRole = role;
            JsonNode content = m.path("content");
            if (content.isTextual()) {
                continue;
            }
            if (!content.isArray()) {
                problems.add(at + ".content must be a string or an array of blocks");
                continue;
            }
            for (JsonNode block : content) {
                switch (block.path("type").asText()) {
                    case "text" -> {
                        if (!block.path("text").isTextual()) {
                            problems.add(at + " text block without text");
                        }
                    }
                    case "tool_use" -> {
                        if (!role.equals("assistant")
                                || !block.path("id").isTextual()
                                || !block.path("input").isObject()) {
                            problems.add(
                                    at + " tool_use blocks belong to assistant turns, with an id and an input object");
                        }
                        openUses.add(block.path("id").asText());
                    }
                    case "tool_result" -> {
                        if (!role.equals("user")
                                || !openUses.remove(block.path("tool_use_id").asText())) {
                            problems.add(at + " tool_result must answer a tool_use of the previous assistant turn");
                        }
                    }
                    default -> problems.add(at + " has an unknown block type " + block.path("type"));
                }
            }
        }
    }

    private static void requireText(JsonNode body, String field, List<String> problems) {
        if (!body.path(field).isTextual() || body.path(field).asText().isEmpty()) {
            problems.add(field + " is required");
        }
    }

    private static void requirePositive(JsonNode body, String field, List<String> problems) {
        if (!body.path(field).canConvertToInt() || body.path(field).asInt() < 1) {
            problems.add(field + " is required and must be >= 1");
        }
    }

    private static void forbid(JsonNode body, String field, String why, List<String> problems) {
        if (body.has(field)) {
            problems.add(field + ": " + why);
        }
    }
}
