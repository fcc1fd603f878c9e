package io.agentfleet.client;

import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.Due;
import io.agentfleet.messages.Names;
import io.agentfleet.messages.Priority;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
 * <p>A due time ({@link #withDelay(Duration)}, {@link #withRunAt(Instant)}) makes the tasks scheduled: they are
 * accepted at once (validated, counted against the backlog bound) and wait in their partition's delayed set until a
 * promoter (every worker of the type runs one) moves them to the task stream when due, each exactly once. A delay is
 * counted from Redis's clock when the tasks are accepted; until it is due, {@link FleetClient#cancelScheduled(TaskHandle)}
 * cancels a task.
 *
 * @param partitionKey the partition key of each task, or null for round-robin
 * @param tenant the tenant set on each task that has none, or null
 * @param priority the priority set on every task (its task stream: see {@link Priority}), or null to keep each
 *     task's own ({@link AgentMessage#priority()}, NORMAL unless set)
 * @param due when the tasks become due, or null to enqueue them at once
 */
public record SubmitOptions(Function<AgentMessage, String> partitionKey, String tenant, Priority priority, Due due) {
    /** Round-robin over the partitions, no tenant, each task's own priority, enqueued at once. */
    public static final SubmitOptions DEFAULT = new SubmitOptions(null, null, null, null);

    public SubmitOptions {
        if (tenant != null && !Names.isId(tenant)) {
            throw new IllegalArgumentException("tenant '" + tenant + "' is not a valid id (expected " + Names.ID + ")");
        }
    }

    /** Options with a partition key and a tenant, each task's own priority, enqueued at once. */
    public SubmitOptions(Function<AgentMessage, String> partitionKey, String tenant) {
        this(partitionKey, tenant, null, null);
    }

    /** Every task of the call goes to the partition of {@code key}. */
    public static SubmitOptions partitionKey(String key) {
        Objects.requireNonNull(key, "partitionKey");
        return new SubmitOptions(task -> key, null);
    }

    /** Each task goes to the partition of the key {@code keyOf} gives it (null = round-robin for that task). */
    public static SubmitOptions partitionKeyBy(Function<AgentMessage, String> keyOf) {
        return new SubmitOptions(Objects.requireNonNull(keyOf, "keyOf"), null);
    }

    /** Round-robin, the tasks due {@code delay} after they are accepted. */
    public static SubmitOptions delay(Duration delay) {
        return DEFAULT.withDelay(delay);
    }

    /** Round-robin, the tasks due at {@code at}. */
    public static SubmitOptions runAt(Instant at) {
        return DEFAULT.withRunAt(at);
    }

    /**
     * These options with the tasks due {@code delay} after Redis accepts them.
     *
     * @throws io.agentfleet.messages.InvalidMessageException when the delay is negative or more than {@link
     *     Due#MAX_AHEAD}
     */
    public SubmitOptions withDelay(Duration delay) {
        return new SubmitOptions(partitionKey, tenant, priority, Due.in(delay));
    }

    /**
     * These options with the tasks due at {@code at} (an instant in the past means at once).
     *
     * @throws io.agentfleet.messages.InvalidMessageException when {@code at} lies more than {@link Due#MAX_AHEAD}
     *     ahead of this machine's clock
     */
    public SubmitOptions withRunAt(Instant at) {
        return new SubmitOptions(
                partitionKey, tenant, priority, Due.at(at, Clock.systemUTC().instant()));
    }

    /** Round-robin, every task without a tenant attributed to {@code tenant}. */
    public static SubmitOptions tenant(String tenant) {
        return DEFAULT.withTenant(Objects.requireNonNull(tenant, "tenant"));
    }

    /** These options with tasks attributed to {@code tenant}. */
    public SubmitOptions withTenant(String value) {
        return new SubmitOptions(partitionKey, value, priority, due);
    }

    /** These options with every task at {@code value} (null keeps each task's own priority). */
    public SubmitOptions withPriority(Priority value) {
        return new SubmitOptions(partitionKey, tenant, value, due);
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
