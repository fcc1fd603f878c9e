package io.agentfleet.orchestrator.workflow.spec;

import static io.agentfleet.orchestrator.workflow.spec.JsonFields.intField;
import static io.agentfleet.orchestrator.workflow.spec.JsonFields.requireKnownFields;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.InvalidMessageException;
import java.util.Set;

/** Reads a task's {@code review}: the reviewer's agent type, how many revisions it may ask for, what exhausting them does. */
final class ReviewFields {
    private static final Set<String> REVIEW_FIELDS = Set.of("agent", "maxRevisions", "onExhausted");
    private static final int MAX_REVISIONS_LIMIT = 20;

    private ReviewFields() {}

    /** The review, or null when the task asks for none ({@code at} is its path, ending in a dot). */
    static TaskSpec.ReviewSpec read(JsonNode node, String at, TeamFields.AgentField agentField) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new InvalidMessageException(
                    at.substring(0, at.length() - 1), "must be an object {agent, maxRevisions, onExhausted}");
        }
        requireKnownFields((ObjectNode) node, REVIEW_FIELDS, at);
        String agent = agentField.read((ObjectNode) node, "agent", at);
        int maxRevisions = intField((ObjectNode) node, "maxRevisions", at + "maxRevisions", 2, 0, MAX_REVISIONS_LIMIT);
        JsonNode on = node.get("onExhausted");
        String onExhausted = on == null || on.isNull() ? "accept" : on.asText();
        if (!onExhausted.equals("accept") && !onExhausted.equals("fail")) {
            throw new InvalidMessageException(at + "onExhausted", "must be \"accept\" or \"fail\", but was " + on);
        }
        return new TaskSpec.ReviewSpec(agent, maxRevisions, onExhausted.equals("accept"));
    }
}
