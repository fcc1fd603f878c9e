package io.agentfleet.client;

import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.MessageLimits;
import io.agentfleet.messages.MessageType;
import io.agentfleet.messages.Names;

/** Checks a task before anything reaches Redis: a REQUEST for a valid agent type that decodes under the limits. */
final class TaskValidator {
    private final MessageCodec codec;
    private final MessageLimits limits;

    TaskValidator(MessageCodec codec, MessageLimits limits) {
        this.codec = codec;
        this.limits = limits;
    }

    /**
     * The task's JSON (UTF-8) when a worker would accept it; else throws {@link InvalidMessageException} naming {@code field}
     * (its own field prefixed with {@code field.}, except for a single task).
     */
    byte[] validate(AgentMessage task, String field) {
        if (task == null) {
            throw new InvalidMessageException(field, "is required");
        }
        if (task.type() != MessageType.REQUEST) {
            throw new InvalidMessageException(
                    field + ".type", "a submitted task must be a REQUEST, but was " + task.type());
        }
        try {
            Names.requireAgentType("recipient", task.recipient());
            return encodeDecodable(task);
        } catch (InvalidMessageException e) {
            if (field.equals("task")) {
                throw e;
            }
            throw new InvalidMessageException(field + "." + e.field(), e.reason());
        }
    }

    /**
     * The encoding, checked to decode exactly as a worker decodes it (nesting depth included); the codec skips
     * tokenizing it again when the message round-trips by construction. An oversize task is named with its size.
     */
    private byte[] encodeDecodable(AgentMessage task) {
        try {
            return codec.encodeDecodable(task);
        } catch (InvalidMessageException e) {
            int bytes = codec.encodeUtf8(task).length;
            if (bytes > limits.maxBytes()) {
                throw new InvalidMessageException(
                        "$",
                        "task " + task.taskId() + " is " + bytes + " bytes encoded, over the limit of "
                                + limits.maxBytes() + " bytes");
            }
            throw e;
        }
    }
}
