package io.agentfleet.worker.agents;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.worker.spi.ToolDescription;
import java.util.List;

/** A deterministic page-reading tool for the agent-loop demo: {@code {"url"}} in, the page's (made-up) text out. */
final class ReadUrlToolAgent extends DemoAgent {
    static final String KIND = "read_url";

    ReadUrlToolAgent(String agentType, DemoAgentSettings settings, Sleeper sleeper) {
        super(agentType, KIND, settings, sleeper);
    }

    @Override
    public ToolDescription tool() {
        ObjectNode schema = JsonNodeFactory.instance.objectNode().put("type", "object");
        schema.putObject("properties")
                .putObject("url")
                .put("type", "string")
                .put("description", "the address of the page to read");
        schema.putArray("required").add("url");
        return new ToolDescription("Reads a web page and answers with its text.", schema);
    }

    @Override
    ObjectNode produce(TaskContent content, ObjectNode raw) {
        String url = content.input().path("url").asText(content.inputText());
        String path = url.replaceFirst("^[a-z]+://[^/]*", "");
        List<String> words = Deterministic.keywords(path.replaceAll("[^A-Za-z]+", " "), 4);
        String subject = words.isEmpty() ? "the topic" : String.join(" ", words);
        return JsonNodeFactory.instance
                .objectNode()
                .put("url", url)
                .put(
                        "text",
                        "This page on " + subject + " recommends idempotent handlers, bounded queues and explicit "
                                + "timeouts, and measures each change before keeping it.");
    }
}
