package io.agentfleet.orchestrator.workflow.spec;

import io.agentfleet.messages.InvalidMessageException;

/** A submitted payload is over its size limit (answered with 413). */
public class PayloadTooLargeException extends InvalidMessageException {
    public PayloadTooLargeException(String field, String reason) {
        super(field, reason);
    }
}
