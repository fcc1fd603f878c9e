package io.agentfleet.worker.consume;

import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.worker.config.AgentConfig;
import io.agentfleet.worker.deadletter.DeadLetterCause;
import java.time.Clock;

/**
 * Looks at a delivery before anything runs: decodes and validates it, works out its attempt (a redelivered entry
 * counts the deliveries that ended without an outcome), and rejects it when it is past its attempts or deadline.
 * Touches no Redis and no handler.
 */
final class DeliveryInspector {
    private final AgentConfig agent;
    private final MessageCodec codec;
    private final Clock clock;

    DeliveryInspector(AgentConfig agent, MessageCodec codec, Clock clock) {
        this.agent = agent;
        this.codec = codec;
        this.clock = clock;
    }

    Inspection inspect(Delivery delivery) {
        if (delivery.trimmed()) {
            return new Inspection.Trimmed(DeadLetterCause.entryTrimmed());
        }
        AgentMessage message;
        try {
            message = codec.decodeTask(delivery.body(), agent.agentType());
        } catch (InvalidMessageException e) {
            return new Inspection.Invalid(DeadLetterCause.invalidMessage(e.getMessage()));
        }
        int attempt = (int) Math.min(Integer.MAX_VALUE, message.attempt() + delivery.deliveryCount() - 1);
        int maxAttempts = agent.maxAttemptsFor(message.maxAttempts());
        // Rebuilt only for a redelivery: the handler and every answer then see the attempt this delivery is.
        Task task = new Task(
                delivery,
                attempt == message.attempt()
                        ? message
                        : message.toBuilder().attempt(attempt).build(),
                maxAttempts);
        if (attempt > maxAttempts) {
            return new Inspection.Rejected(
                    task,
                    message.attempt() > maxAttempts
                            ? DeadLetterCause.enqueuedPastMaxAttempts(message.attempt(), maxAttempts)
                            : DeadLetterCause.deliveredTooOften(delivery.deliveryCount(), attempt, maxAttempts));
        }
        if (message.isExpiredAt(clock.instant())) {
            return new Inspection.Rejected(task, DeadLetterCause.deadlinePassedBeforeRun(task.deadline()));
        }
        return new Inspection.Run(task);
    }
}
