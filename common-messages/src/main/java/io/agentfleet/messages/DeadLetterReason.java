package io.agentfleet.messages;

/** Why a task ended on its agent type's dead-letter stream. */
public enum DeadLetterReason {
    /** The message could not be decoded or failed validation (bad JSON, unknown schema version, oversize, wrong recipient). */
    INVALID_MESSAGE,
    /** The handler failed with a non-retryable failure. */
    NON_RETRYABLE_FAILURE,
    /** The task was delivered or retried more than its maxAttempts. */
    MAX_ATTEMPTS_EXCEEDED,
    /** The task's deadline passed before it could run. */
    DEADLINE_EXPIRED,
    /** The stream entry's body was gone (trimmed or deleted) when it was reclaimed. */
    ENTRY_TRIMMED,
    /**
     * Never written by a worker: read in place of a reason this version does not know or a missing one (an entry
     * added by hand or by another version), so that listing, redriving and purging such an entry still work.
     */
    UNKNOWN;

    /** The reason named {@code name}, or {@link #UNKNOWN} when it is null or not a name this version knows. */
    public static DeadLetterReason parse(String name) {
        return Enums.parse(DeadLetterReason.class, name, UNKNOWN);
    }
}
