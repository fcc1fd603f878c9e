package io.agentfleet.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;

/**
 * The agent could not go on without an answer from a human: its outcome is a CLARIFICATION_NEEDED message whose
 * content, {@link #question()}, holds the question.
 */
public class ClarificationNeededException extends TaskFailedException {
    public ClarificationNeededException(String agent, String taskId, AgentMessage outcome) {
        super(
                "task " + taskId + " of agent type '" + agent + "' needs clarification: "
                        + abbreviate(outcome.content().toString()),
                agent,
                taskId,
                "CLARIFICATION_NEEDED",
                null,
                outcome);
    }

    /** The agent's question (the outcome's content). */
    public ObjectNode question() {
        return outcome().content();
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 197) + "...";
    }
}
