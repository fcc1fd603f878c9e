package io.agentfleet.worker.spi;

import io.agentfleet.messages.FleetException;

/**
 * A checkpoint was refused because its JSON is larger than {@code fleet.checkpoint.max-bytes}. Nothing was saved; the
 * previous checkpoint stands. A handler may catch it and save less, or let it fail the attempt (retryable).
 */
public class CheckpointTooLargeException extends FleetException {
    private final int bytes;
    private final int maxBytes;

    public CheckpointTooLargeException(String taskId, int bytes, int maxBytes) {
        super("checkpoint of task " + taskId + " is " + bytes + " bytes, more than the limit of " + maxBytes
                + " bytes (fleet.checkpoint.max-bytes)");
        this.bytes = bytes;
        this.maxBytes = maxBytes;
    }

    public int bytes() {
        return bytes;
    }

    public int maxBytes() {
        return maxBytes;
    }
}
