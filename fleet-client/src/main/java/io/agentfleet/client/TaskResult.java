package io.agentfleet.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.Metadata;

/**
 * The successful outcome of a task: the RESULT message a worker recorded for it.
 *
 * @param agent the agent type that ran the task
 * @param taskId the task id
 * @param output the handler's output object (the RESULT's {@code content})
 * @param usage token, cost, model and latency reported with the result (never null)
 * @param message the whole RESULT message, for fields such as {@code sender} or {@code trace}
 */
public record TaskResult(String agent, String taskId, ObjectNode output, Metadata usage, AgentMessage message) {

    static TaskResult of(AgentMessage result) {
        return new TaskResult(result.recipient(), result.taskId(), result.content(), result.metadata(), result);
    }
}
