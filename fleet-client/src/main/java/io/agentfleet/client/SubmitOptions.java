package io.agentfleet.client;

import io.agentfleet.messages.AgentMessage;
import java.util.Objects;
import java.util.function.Function;

/**
 * How a task is submitted. Today: which partition of a partitioned agent type it goes to. Without a partition key the
 * client picks partitions round-robin; with one, {@code StreamKeys.partitionFor(key, n)} picks it, so tasks with the
 * same key land on one partition stream in submit order (per-key FIFO <em>enqueue</em> order; with several workers
 * on a partition, processing order is not guaranteed). A key keeps its partition only while the count is unchanged.
 *
 * @param partitionKey the partition key of each task, or null for round-robin
 */
public record SubmitOptions(Function<AgentMessage, String> partitionKey) {
    /** Round-robin over the partitions. */
    public static final SubmitOptions DEFAULT = new SubmitOptions(null);

    /** Every task of the call goes to the partition of {@code key}. */
    public static SubmitOptions partitionKey(String key) {
        Objects.requireNonNull(key, "partitionKey");
        return new SubmitOptions(task -> key);
    }

    /** Each task goes to the partition of the key {@code keyOf} gives it (null = round-robin for that task). */
    public static SubmitOptions partitionKeyBy(Function<AgentMessage, String> keyOf) {
        return new SubmitOptions(Objects.requireNonNull(keyOf, "keyOf"));
    }

    String keyOf(AgentMessage task) {
        return partitionKey == null ? null : partitionKey.apply(task);
    }
}
