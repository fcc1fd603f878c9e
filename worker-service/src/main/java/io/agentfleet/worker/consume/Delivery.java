package io.agentfleet.worker.consume;

import java.nio.charset.StandardCharsets;

/**
 * One stream entry handed to this worker, by XREADGROUP or by reclaiming.
 *
 * @param entryId the task stream entry id
 * @param body the {@code msg} field as UTF-8 bytes (decoded straight from them, no intermediate string), or null when
 *     missing (invalid) or gone ({@code trimmed})
 * @param deliveryCount deliveries of this entry so far, this one included (1 for a fresh read)
 * @param trimmed true when the entry's body was trimmed or deleted before it could be read
 */
public record Delivery(String entryId, byte[] body, long deliveryCount, boolean trimmed) {
    public static Delivery fresh(String entryId, byte[] body) {
        return new Delivery(entryId, body, 1, false);
    }

    public static Delivery reclaimed(String entryId, String message, long deliveryCount, boolean trimmed) {
        return new Delivery(
                entryId, message == null ? null : message.getBytes(StandardCharsets.UTF_8), deliveryCount, trimmed);
    }

    /** The body as text (for dead letters, which keep the original), or null. */
    public String message() {
        return body == null ? null : new String(body, StandardCharsets.UTF_8);
    }
}
