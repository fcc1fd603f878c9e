package io.agentfleet.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Objects;

/**
 * The content of an ERROR outcome, and its one codec: every writer and reader of an ERROR goes through {@link #toJson()}
 * and {@link #of(ObjectNode)}. On the wire:
 *
 * <pre>{"reason": R, "error": {"type": T, "message": M, "retryable": B, "retryAfterMs": N}}</pre>
 *
 * {@code R} is an {@link ErrorReason} name; {@code retryAfterMs} is present only when the failure asked for a delay.
 *
 * <p>Reading is lenient so that an outcome written by an older worker or by hand still reads: a reason this version
 * does not know (or none) reads as {@link ErrorReason#UNKNOWN}; a content without {@code error} that has a
 * {@code type} is itself the failure; a missing {@code error} reads as type {@value #MISSING_TYPE}.
 *
 * @param reason why the task ended
 * @param failure the last failure
 */
public record ErrorContent(ErrorReason reason, Failure failure) {
    /** The failure type read when an ERROR carries no failure type. */
    public static final String MISSING_TYPE = "ERROR";

    static final String REASON = "reason";
    static final String ERROR = "error";
    static final String TYPE = "type";
    static final String MESSAGE = "message";
    static final String RETRYABLE = "retryable";
    static final String RETRY_AFTER_MS = "retryAfterMs";

    public ErrorContent {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(failure, "failure");
    }

    /** The ERROR content of a task dead-lettered for {@code reason}. */
    public static ErrorContent deadLettered(DeadLetterReason reason, Failure failure) {
        return new ErrorContent(ErrorReason.deadLettered(reason), failure);
    }

    /** Writes this content as it goes on the wire. */
    public ObjectNode toJson() {
        ObjectNode content = JsonNodeFactory.instance.objectNode();
        content.put(REASON, reason.name());
        ObjectNode error = content.putObject(ERROR);
        error.put(TYPE, failure.type());
        error.put(MESSAGE, failure.message());
        error.put(RETRYABLE, failure.retryable());
        if (failure.retryAfter() != null) {
            error.put(RETRY_AFTER_MS, failure.retryAfter().toMillis());
        }
        return content;
    }

    /**
     * This content as a run records a task's or its own failure: the failure flattened with its reason,
     * <pre>{"type": T, "message": M, "reason": R, "retryable": B}</pre>
     * which {@link #of(ObjectNode)} reads back.
     */
    public ObjectNode toRecordedJson() {
        ObjectNode recorded = recorded(failure.type(), failure.message());
        recorded.put(REASON, reason.name());
        recorded.put(RETRYABLE, failure.retryable());
        return recorded;
    }

    /**
     * A failure the orchestrator decided itself (a timeout, a budget, a cancellation), as a run records it:
     * <pre>{"type": T, "message": M}</pre>
     * which {@link #of(ObjectNode)} reads back with reason {@link ErrorReason#UNKNOWN}, not retryable.
     */
    public static ObjectNode recorded(String type, String message) {
        Failure failure = Failure.permanent(type, message);
        ObjectNode recorded = JsonNodeFactory.instance.objectNode();
        recorded.put(TYPE, failure.type());
        recorded.put(MESSAGE, failure.message());
        return recorded;
    }

    /** Reads the content of an ERROR outcome; never throws (see the class comment for what a gap reads as). */
    public static ErrorContent of(ObjectNode content) {
        JsonNode reason = content.get(REASON);
        JsonNode error = content.has(ERROR) || !content.has(TYPE) ? content.path(ERROR) : content;
        return new ErrorContent(
                ErrorReason.parse(reason == null || reason.isNull() ? null : reason.asText()), failureOf(error));
    }

    private static Failure failureOf(JsonNode error) {
        JsonNode retryAfter = error.path(RETRY_AFTER_MS);
        return new Failure(
                error.path(TYPE).asText(MISSING_TYPE),
                error.path(MESSAGE).asText(""),
                error.path(RETRYABLE).asBoolean(false),
                retryAfter.canConvertToLong() && retryAfter.asLong() >= 0
                        ? Duration.ofMillis(retryAfter.asLong())
                        : null);
    }
}
