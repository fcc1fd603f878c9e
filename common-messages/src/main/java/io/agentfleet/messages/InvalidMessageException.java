package io.agentfleet.messages;

/**
 * A message or request failed validation. {@link #field()} names the offending field (a JSON path such as
 * {@code content} or {@code tasks[2].dependsOn}) and {@link #reason()} says what is wrong with it.
 */
public class InvalidMessageException extends FleetException {
    private final String field;
    private final String reason;

    public InvalidMessageException(String field, String reason) {
        super(field + ": " + reason);
        this.field = field;
        this.reason = reason;
    }

    public String field() {
        return field;
    }

    public String reason() {
        return reason;
    }
}
