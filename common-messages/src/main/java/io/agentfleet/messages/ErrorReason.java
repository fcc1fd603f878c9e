package io.agentfleet.messages;

/**
 * Why a task ended with an ERROR outcome: one of the {@link DeadLetterReason}s, or {@link #CANCELLED}. Written as its
 * name in the ERROR's {@code content.reason}.
 */
public enum ErrorReason {
    /** See {@link DeadLetterReason#INVALID_MESSAGE}. */
    INVALID_MESSAGE,
    /** See {@link DeadLetterReason#NON_RETRYABLE_FAILURE}. */
    NON_RETRYABLE_FAILURE,
    /** See {@link DeadLetterReason#MAX_ATTEMPTS_EXCEEDED}. */
    MAX_ATTEMPTS_EXCEEDED,
    /** See {@link DeadLetterReason#DEADLINE_EXPIRED}. */
    DEADLINE_EXPIRED,
    /** See {@link DeadLetterReason#ENTRY_TRIMMED}. */
    ENTRY_TRIMMED,
    /** The task's workflow run was cancelled before the task ran; the task was not dead-lettered. */
    CANCELLED,
    /**
     * Never written: read in place of a reason this version does not know, or of a missing one (an ERROR written by
     * hand), so that an outcome from a newer or older writer still reads.
     */
    UNKNOWN;

    /** The ERROR reason of a task dead-lettered for {@code reason}. */
    public static ErrorReason deadLettered(DeadLetterReason reason) {
        return switch (reason) {
            case INVALID_MESSAGE -> INVALID_MESSAGE;
            case NON_RETRYABLE_FAILURE -> NON_RETRYABLE_FAILURE;
            case MAX_ATTEMPTS_EXCEEDED -> MAX_ATTEMPTS_EXCEEDED;
            case DEADLINE_EXPIRED -> DEADLINE_EXPIRED;
            case ENTRY_TRIMMED -> ENTRY_TRIMMED;
            case UNKNOWN -> UNKNOWN;
        };
    }

    /** The reason named {@code name}, or {@link #UNKNOWN} when it is null or not a name this version knows. */
    public static ErrorReason parse(String name) {
        return Enums.parse(ErrorReason.class, name, UNKNOWN);
    }
}
