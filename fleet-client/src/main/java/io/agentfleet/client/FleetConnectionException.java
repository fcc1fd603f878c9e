package io.agentfleet.client;

import io.agentfleet.messages.FleetException;

/**
 * Redis could not be reached, refused the credentials, or did not answer in time. The message names the host and
 * port, never the password. Whether the command reached Redis is unknown: a submit that fails this way may or may not
 * have enqueued its task (resubmitting with the same task id is safe, as outcomes are recorded once per task id).
 */
public class FleetConnectionException extends FleetException {
    private final String endpoint;

    public FleetConnectionException(String endpoint, String message, Throwable cause) {
        super("Redis at " + endpoint + ": " + message, cause);
        this.endpoint = endpoint;
    }

    /** {@code host:port} of the Redis that failed. */
    public String endpoint() {
        return endpoint;
    }
}
