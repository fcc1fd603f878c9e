package io.agentfleet.client;

import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.Names;
import io.agentfleet.messages.Priority;
import java.util.Objects;
import java.util.function.Function;

/**
 * How a task is submitted. Today: which partition of a partitioned agent type it goes to. Without a partition key the
 * client picks partitions round-robin; with one, {@code StreamKeys.partitionFor(key, n)} picks it, so tasks with the
 * same key land on one partition stream in submit order (per-key FIFO <em>enqueue</em> order; with several workers
 * on a partition, processing order is not guaranteed). A key keeps its partition only while the count is unchanged.
 *
 *
 * <p>A tenant attributes the tasks: a task that has none gets it, so its dead letters are listed, redriven and purged
 * by that tenant through the orchestrator's API. The client writes to Redis directly, so this is attribution, not
 * isolation: what a producer may touch is decided by its Redis ACL user.
 *
 * @param partitionKey the partition key of each task, or null for round-robin
 * @param tenant the tenant set on each task that has none, or null
 * @param priority the priority set on every task (its task stream: see {@link Priority}), or null to keep each
 *     task's own ({@link AgentMessage#priority()}, NORMAL unless set)
 */
public record SubmitOptions(Function<AgentMessage, String> partitionKey, String tenant, Priority priority) {
    /** Round-robin over the partitions, no tenant. */
    public static final SubmitOptions DEFAULT = new SubmitOptions(null, null, null);

    public SubmitOptions {
        if (tenant != null && !Names.isId(tenant)) {
            throw new IllegalArgumentException("tenant '" + tenant + "' is not a valid id (expected " + Names.ID + ")");
        }
    }

    /** Every task of the call goes to the partition of {@code key}. */
    public static SubmitOptions partitionKey(String key) {
        Objects.requireNonNull(key, "partitionKey");
        return new SubmitOptions(task -> key, null, null);
    }

    /** Each task goes to the partition of the key {@code keyOf} gives it (null = round-robin for that task). */
    public static SubmitOptions partitionKeyBy(Function<AgentMessage, String> keyOf) {
        return new SubmitOptions(Objects.requireNonNull(keyOf, "keyOf"), null, null);
    }

    /** Round-robin, every task without a tenant attributed to {@code tenant}. */
    public static SubmitOptions tenant(String tenant) {
        return DEFAULT.withTenant(Objects.requireNonNull(tenant, "tenant"));
    }

    /** These options with tasks attributed to {@code tenant}. */
    public SubmitOptions withTenant(String value) {
        return new SubmitOptions(partitionKey, value, priority);
    }

    /** These options with every task at {@code value} (null keeps each task's own priority). */
    public SubmitOptions withPriority(Priority value) {
        return new SubmitOptions(partitionKey, tenant, value);
    }

    /** {@code task}, with this tenant when it has none and this priority when one is set. */
    AgentMessage attribute(AgentMessage task) {
        if (task == null) {
            return null;
        }
        boolean setTenant = tenant != null && task.tenant() == null;
        boolean setPriority = priority != null && task.priority() != priority;
        if (!setTenant && !setPriority) {
            return task;
        }
        AgentMessage.Builder builder = task.toBuilder();
        if (setTenant) {
            builder.tenant(tenant);
        }
        if (setPriority) {
            builder.priority(priority);
        }
        return builder.build();
    }

    String keyOf(AgentMessage task) {
        return partitionKey == null ? null : partitionKey.apply(task);
    }
}
