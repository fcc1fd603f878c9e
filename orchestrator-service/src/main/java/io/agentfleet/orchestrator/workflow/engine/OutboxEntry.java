package io.agentfleet.orchestrator.workflow.engine;

import io.agentfleet.messages.StreamKeys;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A task message to enqueue on partition {@code partition} of {@code agent}'s streams, keyed by its wire task id;
 * with {@code dueAt} (epoch ms, 0 = at once) it is scheduled on the partition's delayed set instead.
 * The message is held as UTF-8, encoded once: the commit stores it in the outbox and the drain enqueues the same
 * bytes. The partition is chosen before the commit and stored with the entry, so a re-drain after a crash goes to
 * the same partition (and finds the same "enqueued once" marker) even if the partition count changed meanwhile.
 */
public record OutboxEntry(String agent, int partition, String wireId, byte[] message, long dueAt) {
    private static final char DUE_MARK = '@';

    public static OutboxEntry of(String agent, String wireId, String message) {
        return new OutboxEntry(agent, 0, wireId, message.getBytes(StandardCharsets.UTF_8), 0);
    }

    public OutboxEntry inPartition(int p) {
        return new OutboxEntry(agent, p, wireId, message, dueAt);
    }

    public OutboxEntry dueAt(long at) {
        return new OutboxEntry(agent, partition, wireId, message, at);
    }

    /**
     * The outbox hash value: for a scheduled entry {@code @dueAt} and a newline, then the partition's hash tag content
     * ({@code agent}, or {@code agent:p} for p >= 1), a newline, the message. Entries written before partitions existed
     * read as partition 0, which they were.
     */
    public byte[] encoded() {
        String due = dueAt > 0 ? DUE_MARK + Long.toString(dueAt) + "\n" : "";
        byte[] prefix = (due + StreamKeys.tag(agent, partition) + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] value = Arrays.copyOf(prefix, prefix.length + message.length);
        System.arraycopy(message, 0, value, prefix.length, message.length);
        return value;
    }

    public String messageText() {
        return new String(message, StandardCharsets.UTF_8);
    }

    public static OutboxEntry decode(String wireId, String value) {
        if (!value.isEmpty() && value.charAt(0) == DUE_MARK) {
            int end = value.indexOf('\n');
            long due = Long.parseLong(value.substring(1, end));
            return decode(wireId, value.substring(end + 1)).dueAt(due);
        }
        int nl = value.indexOf('\n');
        String tag = value.substring(0, nl);
        int colon = tag.indexOf(':');
        String agent = colon < 0 ? tag : tag.substring(0, colon);
        int partition = colon < 0 ? 0 : Integer.parseInt(tag.substring(colon + 1));
        return of(agent, wireId, value.substring(nl + 1)).inPartition(partition);
    }
}
