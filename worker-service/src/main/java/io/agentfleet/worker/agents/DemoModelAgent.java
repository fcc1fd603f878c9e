package io.agentfleet.worker.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A deterministic stand-in for a tool-calling model, answering in the {@code llm} handler's output format so that an
 * agent loop runs offline: with no tool result yet it asks for {@code search} and {@code read_url} together (two
 * parallel calls), then reads the first URL the search found, then answers from what the tools returned. It asks only
 * for tools the task offers ({@code content.tools}) and answers at once when none is offered.
 */
final class DemoModelAgent extends DemoAgent {
    static final String KIND = "demo-model";
    private static final ObjectMapper JSON = new ObjectMapper();

    DemoModelAgent(String agentType, DemoAgentSettings settings, Sleeper sleeper) {
        super(agentType, KIND, settings, sleeper);
    }

    @Override
    ObjectNode produce(TaskContent content, ObjectNode raw) {
        String goal = Deterministic.topic(content.inputText(), 200);
        List<JsonNode> results = toolResults(raw.path("conversation"));
        List<String> offered = new ArrayList<>();
        raw.path("tools").forEach(t -> offered.add(t.path("name").asText()));
        boolean canSearch = offered.contains(SearchToolAgent.KIND);
        boolean canRead = offered.contains(ReadUrlToolAgent.KIND);
        ObjectNode output = JsonNodeFactory.instance.objectNode();
        if (results.isEmpty() && (canSearch || canRead)) {
            output.put("text", "I will search for material and read an overview.");
            ArrayNode calls = output.putArray("toolCalls");
            if (canSearch) {
                call(calls, "call_1_search", SearchToolAgent.KIND).put("query", goal);
            }
            if (canRead) {
                String slug = Deterministic.slug(Deterministic.keywords(goal, 3), "-");
                call(calls, "call_1_read", ReadUrlToolAgent.KIND).put("url", "https://example.org/overview/" + slug);
            }
            output.put("stopReason", "tool_calls");
            return output;
        }
        String found = firstUrl(results);
        boolean readFound = results.stream()
                .anyMatch(r -> ReadUrlToolAgent.KIND.equals(r.path("name").asText())
                        && r.path("content").asText().contains(String.valueOf(found)));
        if (found != null && canRead && !readFound) {
            output.put("text", "The search found a guide; I will read it.");
            call(output.putArray("toolCalls"), "call_2_read", ReadUrlToolAgent.KIND)
                    .put("url", found);
            output.put("stopReason", "tool_calls");
            return output;
        }
        output.put("text", answer(goal, results));
        return output;
    }

    private static ObjectNode call(ArrayNode calls, String id, String tool) {
        ObjectNode call = calls.addObject().put("id", id).put("name", tool);
        return call.putObject("arguments");
    }

    private static List<JsonNode> toolResults(JsonNode conversation) {
        List<JsonNode> results = new ArrayList<>();
        for (JsonNode turn : conversation) {
            if ("tool".equals(turn.path("role").asText())) {
                turn.path("results").forEach(results::add);
            }
        }
        return results;
    }

    /** The first URL a search result listed, or null. */
    private static String firstUrl(List<JsonNode> results) {
        for (JsonNode result : results) {
            if (SearchToolAgent.KIND.equals(result.path("name").asText())) {
                try {
                    JsonNode url =
                            JSON.readTree(result.path("content").asText()).at("/results/0/url");
                    if (url.isTextual()) {
                        return url.asText();
                    }
                } catch (Exception e) {
                    return null;
                }
            }
        }
        return null;
    }

    private static String answer(String goal, List<JsonNode> results) {
        StringBuilder text = new StringBuilder("Answer to \"" + goal + "\" from " + results.size() + " tool results:");
        for (JsonNode result : results) {
            String content = result.path("content").asText();
            text.append("\n- ")
                    .append(result.path("name").asText())
                    .append(": ")
                    .append(content.length() > 160 ? content.substring(0, 160) + "…" : content);
        }
        return text.toString();
    }
}
