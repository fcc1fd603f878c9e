package io.agentfleet.orchestrator.workflow.engine;

import io.agentfleet.messages.Priority;
import io.agentfleet.messages.StreamKeys;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A task message to enqueue on partition {@code partition} of {@code agent}'s task stream of {@code priority}, keyed
 * by its wire task id.
 * The message is held as UTF-8, encoded once: the commit stores it in the outbox and the drain enqueues the same
 * bytes. The partition is chosen before the commit and stored with the entry, so a re-drain after a crash goes to
 * the same partition (and finds the same "enqueued once" marker) even if the partition count changed meanwhile.
 */
public record OutboxEntry(String agent, int partition, Priority priority, String wireId, byte[] message) {
    public OutboxEntry {
        priority = priority == null ? Priority.NORMAL : priority;
    }

    public static OutboxEntry of(String agent, String wireId, String message) {
        return new OutboxEntry(agent, 0, Priority.NORMAL, wireId, message.getBytes(StandardCharsets.UTF_8));
    }

    public OutboxEntry inPartition(int p) {
        return new OutboxEntry(agent, p, priority, wireId, message);
    }

    public OutboxEntry atPriority(Priority level) {
        return new OutboxEntry(agent, partition, level, wireId, message);
    }

    /**
     * The outbox hash value: the partition's hash tag content ({@code agent}, or {@code agent:p} for p >= 1), for a
     * priority other than NORMAL a space and its wire name, a newline, the message. Entries written before partitions
     * or priorities existed read as partition 0 at NORMAL, which they were.
     */
    public byte[] encoded() {
        String head = StreamKeys.tag(agent, partition) + (priority == Priority.NORMAL ? "" : " " + priority.wire());
        byte[] prefix = (head + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] value = Arrays.copyOf(prefix, prefix.length + message.length);
        System.arraycopy(message, 0, value, prefix.length, message.length);
        return value;
    }

    public String messageText() {
        return new String(message, StandardCharsets.UTF_8);
    }

    public static OutboxEntry decode(String wireId, String value) {
        int nl = value.indexOf('\n');
        String head = value.substring(0, nl);
        int space = head.indexOf(' ');
        String tag = space < 0 ? head : head.substring(0, space);
        Priority priority = space < 0 ? Priority.NORMAL : Priority.fromWire("priority", head.substring(space + 1));
        int colon = tag.indexOf(':');
        String agent = colon < 0 ? tag : tag.substring(0, colon);
        int partition = colon < 0 ? 0 : Integer.parseInt(tag.substring(colon + 1));
        return of(agent, wireId, value.substring(nl + 1)).inPartition(partition).atPriority(priority);
    }
}
