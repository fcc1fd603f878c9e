package io.agentfleet.client;

import io.agentfleet.messages.FleetException;
import java.net.URI;

/**
 * The orchestrator's HTTP API refused a request ({@link #status()} is the HTTP status, {@link #error()},
 * {@link #field()} and {@link #reason()} come from its JSON body {@code {"error","field","reason"}}), or could not be
 * reached at all ({@link #status()} is 0, {@link #error()} is {@code unreachable}). Subtypes name the common causes:
 * {@link FleetAuthException}, {@link RateLimitedException}. Invalid requests (400, 413) are reported as
 * {@link io.agentfleet.messages.InvalidMessageException} instead. The message names the orchestrator and the request,
 * never the API key.
 */
public class OrchestratorException extends FleetException {
    private final String orchestrator;
    private final int status;
    private final String error;
    private final String field;
    private final String reason;

    public OrchestratorException(
            URI orchestrator, String what, int status, String error, String field, String reason, Throwable cause) {
        super(
                "orchestrator at " + OptionUris.redact(orchestrator) + " "
                        + (status == 0 ? "failed" : "answered " + status) + " while " + what + ": " + error
                        + (field == null ? "" : " " + field) + (reason == null ? "" : ": " + reason),
                cause);
        this.orchestrator = OptionUris.redact(orchestrator);
        this.status = status;
        this.error = error;
        this.field = field;
        this.reason = reason;
    }

    /** The orchestrator's base URI (any user info redacted). */
    public String orchestrator() {
        return orchestrator;
    }

    /** The HTTP status, or 0 when no response arrived (unreachable, timed out). */
    public int status() {
        return status;
    }

    /** The {@code error} code of the body ({@code not_found}, {@code conflict}, ...), or {@code unreachable}. */
    public String error() {
        return error;
    }

    /** The request field the orchestrator named, or null. */
    public String field() {
        return field;
    }

    /** What the orchestrator said is wrong, or null. */
    public String reason() {
        return reason;
    }
}
