package io.agentfleet.worker.consume;

/**
 * One stream entry handed to this worker, by XREADGROUP or by reclaiming.
 *
 * @param entryId the task stream entry id
 * @param message the {@code msg} field, or null when missing (invalid) or gone ({@code trimmed})
 * @param deliveryCount deliveries of this entry so far, this one included (1 for a fresh read)
 * @param trimmed true when the entry's body was trimmed or deleted before it could be read
 */
public record Delivery(String entryId, String message, long deliveryCount, boolean trimmed) {
    public static Delivery fresh(String entryId, String message) {
        return new Delivery(entryId, message, 1, false);
    }
}
