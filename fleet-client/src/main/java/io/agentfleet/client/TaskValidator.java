package io.agentfleet.client;

import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.MessageLimits;
import io.agentfleet.messages.MessageType;
import io.agentfleet.messages.Names;
import java.nio.charset.StandardCharsets;

/** Checks a task before anything reaches Redis: a REQUEST for a valid agent type that decodes under the limits. */
final class TaskValidator {
    private final MessageCodec codec;
    private final MessageLimits limits;

    TaskValidator(MessageCodec codec, MessageLimits limits) {
        this.codec = codec;
        this.limits = limits;
    }

    /**
     * The task's JSON when a worker would accept it; else throws {@link InvalidMessageException} naming {@code field}
     * (its own field prefixed with {@code field.}, except for a single task).
     */
    String validate(AgentMessage task, String field) {
        if (task == null) {
            throw new InvalidMessageException(field, "is required");
        }
        if (task.type() != MessageType.REQUEST) {
            throw new InvalidMessageException(
                    field + ".type", "a submitted task must be a REQUEST, but was " + task.type());
        }
        try {
            Names.requireAgentType("recipient", task.recipient());
            String json = codec.encode(task);
            int bytes = json.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > limits.maxBytes()) {
                throw new InvalidMessageException(
                        "$",
                        "task " + task.taskId() + " is " + bytes + " bytes encoded, over the limit of "
                                + limits.maxBytes() + " bytes");
            }
            // Accepts exactly what decoding would (the checks a worker applies, nesting depth included), without
            // re-building the message when it round-trips by construction.
            codec.requireDecodable(task, json);
            return json;
        } catch (InvalidMessageException e) {
            if (field.equals("task")) {
                throw e;
            }
            throw new InvalidMessageException(field + "." + e.field(), e.reason());
        }
    }
}
