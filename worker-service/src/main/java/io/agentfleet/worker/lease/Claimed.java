package io.agentfleet.worker.lease;

/**
 * An entry reclaimed from a worker that stopped renewing it.
 *
 * @param entryId the stream entry id
 * @param message the entry's {@code msg} field, or null when it has none or its body is gone
 * @param deliveryCount how often the entry has been delivered, this delivery included
 * @param trimmed true when the entry's body was gone (trimmed or deleted) when it was claimed
 */
public record Claimed(String entryId, String message, long deliveryCount, boolean trimmed) {
    static Claimed gone(String entryId, long deliveryCount) {
        return new Claimed(entryId, null, deliveryCount, true);
    }
}
