package io.agentfleet.client;

import java.net.URI;

/**
 * The orchestrator refused the API key: 401 when none was sent (or not as {@code Bearer}), 403 when it matches no
 * configured key. Retrying with the same key does not help. The key itself is never part of the message.
 */
public class FleetAuthException extends OrchestratorException {
    public FleetAuthException(URI orchestrator, String what, int status, String error, String field, String reason) {
        super(orchestrator, what, status, error, field, reason, null);
    }
}
