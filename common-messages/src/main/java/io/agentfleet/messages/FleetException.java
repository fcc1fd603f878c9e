package io.agentfleet.messages;

/** Root of every exception AgentFleet throws on purpose; the message always names the key, stream, task or agent. */
public class FleetException extends RuntimeException {
    public FleetException(String message) {
        super(message);
    }

    public FleetException(String message, Throwable cause) {
        super(message, cause);
    }
}
