package io.agentfleet.worker.agents;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.worker.spi.ToolDescription;
import java.util.List;

/**
 * A deterministic web-search tool for the agent-loop demo: {@code {"query"}} in, three results with titles, URLs and
 * snippets derived from the query's keywords out.
 */
final class SearchToolAgent extends DemoAgent {
    static final String KIND = "search";

    SearchToolAgent(String agentType, DemoAgentSettings settings, Sleeper sleeper) {
        super(agentType, KIND, settings, sleeper);
    }

    @Override
    public ToolDescription tool() {
        ObjectNode schema = JsonNodeFactory.instance.objectNode().put("type", "object");
        schema.putObject("properties")
                .putObject("query")
                .put("type", "string")
                .put("description", "what to search the web for");
        schema.putArray("required").add("query");
        return new ToolDescription("Searches the web; answers with titles, URLs and snippets.", schema);
    }

    @Override
    ObjectNode produce(TaskContent content, ObjectNode raw) {
        String query = Deterministic.topic(content.input().path("query").asText(content.inputText()), 200);
        List<String> keywords = Deterministic.keywords(query, 3);
        ObjectNode output = JsonNodeFactory.instance.objectNode().put("query", query);
        ArrayNode results = output.putArray("results");
        for (int i = 0; i < keywords.size(); i++) {
            String keyword = keywords.get(i);
            results.addObject()
                    .put("title", Deterministic.capitalize(keyword) + " in practice")
                    .put(
                            "url",
                            "https://example.org/guides/" + keyword + "-"
                                    + Long.toHexString(Deterministic.hash(query, i))
                                            .substring(0, 6))
                    .put("snippet", "How teams handle " + keyword + " when building " + keywords.get(0) + ".");
        }
        return output;
    }
}
