package io.agentfleet.orchestrator.workflow.engine;

import io.agentfleet.messages.Priority;
import io.agentfleet.messages.StreamKeys;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A task message to enqueue on partition {@code partition} of {@code agent}'s task stream of {@code priority}, keyed
 * by its wire task id; with {@code dueAt} (epoch ms, 0 = at once) it is scheduled on the partition's delayed set
 * instead.
 */
public record OutboxEntry(String agent, int partition, Priority priority, String wireId, byte[] message, long dueAt) {
    private static final char DUE_MARK = '@';

    public OutboxEntry {
        priority = priority == null ? Priority.NORMAL : priority;
    }

    public static OutboxEntry of(String agent, String wireId, String message) {
        return new OutboxEntry(agent, 0, Priority.NORMAL, wireId, message.getBytes(StandardCharsets.UTF_8), 0);
    }

    public OutboxEntry inPartition(int p) {
        return new OutboxEntry(agent, p, priority, wireId, message, dueAt);
    }

    public OutboxEntry atPriority(Priority level) {
        return new OutboxEntry(agent, partition, level, wireId, message, dueAt);
    }

    public OutboxEntry dueAt(long at) {
        return new OutboxEntry(agent, partition, priority, wireId, message, at);
    }

    /**
     * The outbox hash value: for a scheduled entry {@code @dueAt} and a newline, then the partition's hash tag content
     * ({@code agent}, or {@code agent:p} for p >= 1), for a priority other than NORMAL a space and its wire name, a
     * newline, the message. Entries written before partitions, priorities or schedules existed read as partition 0 at
     * NORMAL, at once, which they were.
     */
    public byte[] encoded() {
        String due = dueAt > 0 ? DUE_MARK + Long.toString(dueAt) + "\n" : "";
        String head = StreamKeys.tag(agent, partition) + (priority == Priority.NORMAL ? "" : " " + priority.wire());
        byte[] prefix = (due + head + "\n").getBytes(StandardCharsets.UTF_8);
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
