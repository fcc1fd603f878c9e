package io.agentfleet.worker.testdata;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.worker.consume.Delivery;
import java.time.Instant;

/**
 * Test data for the task path that reads as prose: {@code aTask().forAgent("coder").withDeadline(at).attempt(2)}.
 * Defaults: agent type {@code coder}, attempt 1, no maxAttempts (the agent type's), no deadline, no run.
 */
public final class TaskBuilder {
    private static final MessageCodec CODEC = new MessageCodec();

    private final AgentMessage.Builder message =
            AgentMessage.request("coder", JsonNodeFactory.instance.objectNode().put("input", "write a test"));

    private TaskBuilder() {}

    public static TaskBuilder aTask() {
        return new TaskBuilder();
    }

    public TaskBuilder forAgent(String value) {
        message.recipient(value);
        return this;
    }

    public TaskBuilder withTaskId(String value) {
        message.taskId(value);
        return this;
    }

    public TaskBuilder inRun(String runId) {
        message.runId(runId);
        return this;
    }

    public TaskBuilder withDeadline(Instant value) {
        message.deadline(value);
        return this;
    }

    public TaskBuilder atAttempt(int value) {
        message.attempt(value);
        return this;
    }

    public TaskBuilder withMaxAttempts(int value) {
        message.maxAttempts(value);
        return this;
    }

    public TaskBuilder withContent(ObjectNode value) {
        message.content(value);
        return this;
    }

    public AgentMessage build() {
        return message.build();
    }

    /** The task as read fresh from the stream (its first delivery) under {@code entryId}. */
    public Delivery deliveredAs(String entryId) {
        return deliveredTimes(entryId, 1);
    }

    /** The task's entry {@code entryId} at its {@code deliveries}-th delivery (reclaimed after the earlier ones). */
    public Delivery deliveredTimes(String entryId, long deliveries) {
        return new Delivery(entryId, CODEC.encodeUtf8(build()), deliveries, false);
    }
}
