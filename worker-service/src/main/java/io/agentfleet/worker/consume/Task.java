package io.agentfleet.worker.consume;

import io.agentfleet.messages.AgentMessage;
import java.time.Instant;

/**
 * A delivery that passed inspection and runs.
 *
 * @param message the decoded task, its {@code attempt} already set to this delivery's attempt
 * @param maxAttempts the effective maximum (the task's own, capped by the agent type's)
 */
record Task(Delivery delivery, AgentMessage message, int maxAttempts) {

    String entryId() {
        return delivery.entryId();
    }

    int attempt() {
        return message.attempt();
    }

    /** The task's deadline, or null when it has none. */
    Instant deadline() {
        return message.deadline() == null ? null : Instant.ofEpochMilli(message.deadline());
    }
}
