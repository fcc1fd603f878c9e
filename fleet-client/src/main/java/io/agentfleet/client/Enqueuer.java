package io.agentfleet.client;

import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.BackpressureException;
import io.agentfleet.messages.Due;
import io.agentfleet.messages.FleetException;
import io.agentfleet.messages.FleetScripts;
import io.agentfleet.messages.Priority;
import io.agentfleet.messages.ScriptCall;
import io.agentfleet.messages.StreamKeys;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Runs {@link FleetScripts#ENQUEUE} (or {@link FleetScripts#SCHEDULE} for tasks with a due time) for validated tasks:
 * one call for a single task, or chunks of at most {@value FleetClient#MAX_CHUNK} per agent type, partition and priority
 * in one pipeline; turns refusals into {@link
 * BackpressureException} / {@link PartialSubmitException} and missing replica acknowledgements into {@link
 * DurabilityException}.
 */
final class Enqueuer {
    private static final String ENQUEUE_WHAT = "enqueueing tasks";

    private final FleetClientOptions options;
    private final StreamKeys keys;
    private final RedisGateway redis;

    Enqueuer(FleetClientOptions options, RedisGateway redis) {
        this.options = options;
        this.keys = options.keys();
        this.redis = redis;
    }

    /** Enqueues (or, with {@code due}, schedules) one task's {@code json} on {@code partition} of its agent type. */
    TaskHandle enqueue(AgentMessage task, byte[] json, int partition, Due due) {
        return enqueue(task, json, partition, due, false);
    }

    /**
     * Enqueues one task unless its task id was enqueued on that partition within the marker's 7 days; returns null
     * then.
     */
    TaskHandle enqueueOnce(AgentMessage task, byte[] json, int partition) {
        return enqueue(task, json, partition, null, true);
    }

    private TaskHandle enqueue(AgentMessage task, byte[] json, int partition, Due due, boolean once) {
        String agent = task.recipient();
        ScriptCall call = callFor(agent, partition, task.priority(), due, List.of(task), List.of(json), once);
        RedisGateway.Durable done;
        try {
            done = redis.call(
                    ENQUEUE_WHAT, jedis -> redis.runDurably(call, options.waitReplicas(), options.waitTimeout()));
        } catch (FleetException e) {
            throw backpressureOr(e, agent);
        }
        TaskHandle handle =
                handles(agent, partition, due, List.of(task), done.reply()).getFirst();
        if (handle == null) {
            return null;
        }
        requireDurable(agent, partition, done.acknowledged());
        return handle;
    }

    /**
     * ENQUEUE on the stream of {@code priority}, or SCHEDULE with {@code due} (promotion reads each message's own
     * priority); with {@code once}, each task's "enqueued once" marker keeps a repeat of its task id out.
     */
    private ScriptCall callFor(
            String agent,
            int partition,
            Priority priority,
            Due due,
            List<AgentMessage> tasks,
            List<byte[]> json,
            boolean once) {
        List<String> taskIds = tasks.stream().map(AgentMessage::taskId).toList();
        List<String> markers = once ? taskIds : List.of();
        if (due == null) {
            return FleetScripts.enqueue(keys, agent, partition, priority, options.maxBacklog(), json, markers);
        }
        return FleetScripts.schedule(keys, agent, partition, options.maxBacklog(), due, taskIds, json, markers);
    }

    /** One handle per task of a successful ENQUEUE or SCHEDULE reply. */
    private static List<TaskHandle> handles(
            String agent, int partition, Due due, List<AgentMessage> tasks, Object reply) {
        List<TaskHandle> handles = new ArrayList<>(tasks.size());
        if (due == null) {
            List<String> ids = Replies.strings(reply);
            for (int i = 0; i < ids.size(); i++) {
                // null: skipped by its "enqueued once" marker (a repeat of the task id)
                handles.add(
                        ids.get(i) == null
                                ? null
                                : new TaskHandle(agent, tasks.get(i).taskId(), ids.get(i), partition));
            }
            return handles;
        }
        Instant dueAt = Instant.ofEpochMilli(FleetScripts.Scheduled.of(reply).dueAt());
        tasks.forEach(t -> handles.add(new TaskHandle(agent, t.taskId(), null, partition, dueAt)));
        return handles;
    }

    /**
     * Enqueues {@code tasks} (their JSON in {@code encoded}, their partitions in {@code partitions}) in chunks, one
     * pipeline; returns one handle per task in input order.
     */
    List<TaskHandle> enqueueAll(List<AgentMessage> tasks, List<byte[]> encoded, int[] partitions, Due due) {
        List<Chunk> chunks = chunk(tasks, partitions);
        enqueueChunks(chunks, tasks, encoded, due);
        return collectHandles(tasks, chunks, due);
    }

    private void enqueueChunks(List<Chunk> chunks, List<AgentMessage> tasks, List<byte[]> encoded, Due due) {
        List<ScriptCall> calls = new ArrayList<>(chunks.size());
        for (Chunk chunk : chunks) {
            List<byte[]> json = chunk.indexes.stream().map(encoded::get).toList();
            List<AgentMessage> chunkTasks =
                    chunk.indexes.stream().map(tasks::get).toList();
            calls.add(callFor(chunk.agent, chunk.partition, chunk.priority, due, chunkTasks, json, false));
        }
        List<RedisGateway.Durable> replies = redis.call(
                ENQUEUE_WHAT, jedis -> redis.runPipelined(calls, options.waitReplicas(), options.waitTimeout()));
        for (int i = 0; i < chunks.size(); i++) {
            chunks.get(i).reply = replies.get(i);
        }
    }

    private List<TaskHandle> collectHandles(List<AgentMessage> tasks, List<Chunk> chunks, Due due) {
        TaskHandle[] handles = new TaskHandle[tasks.size()];
        List<Integer> refused = new ArrayList<>();
        BackpressureException firstRefusal = null;
        FleetException otherFailure = null;
        DurabilityException unreplicated = null;
        for (Chunk chunk : chunks) {
            if (chunk.reply.reply() instanceof JedisDataException e) {
                BackpressureException backpressure = FleetScripts.backpressureFrom(e.getMessage(), keys, chunk.agent);
                if (backpressure == null) {
                    otherFailure = otherFailure != null
                            ? otherFailure
                            : new FleetException(
                                    "Redis at " + redis.endpoint() + " refused " + ENQUEUE_WHAT + " for agent type '"
                                            + chunk.agent + "': " + e.getMessage(),
                                    e);
                    continue;
                }
                firstRefusal = firstRefusal == null ? backpressure : firstRefusal;
                refused.addAll(chunk.indexes);
                continue;
            }
            List<AgentMessage> chunkTasks =
                    chunk.indexes.stream().map(tasks::get).toList();
            List<TaskHandle> chunkHandles = handles(chunk.agent, chunk.partition, due, chunkTasks, chunk.reply.reply());
            for (int i = 0; i < chunkHandles.size(); i++) {
                handles[chunk.indexes.get(i)] = chunkHandles.get(i);
            }
            long acks = chunk.reply.acknowledged();
            if (acks >= 0 && acks < options.waitReplicas() && unreplicated == null) {
                unreplicated = new DurabilityException(
                        chunk.agent, keys.tasks(chunk.agent, chunk.partition), acks, options.waitReplicas());
            }
        }
        List<TaskHandle> enqueued =
                Arrays.stream(handles).filter(Objects::nonNull).toList();
        if (otherFailure != null) {
            otherFailure.addSuppressed(
                    new FleetException(enqueued.size() + " of " + tasks.size() + " tasks were enqueued"));
            throw otherFailure;
        }
        if (firstRefusal != null) {
            if (enqueued.isEmpty()) {
                throw firstRefusal;
            }
            List<AgentMessage> refusedTasks =
                    refused.stream().sorted().map(tasks::get).toList();
            throw new PartialSubmitException(enqueued, refusedTasks, firstRefusal);
        }
        if (unreplicated != null) {
            throw unreplicated;
        }
        return List.of(handles);
    }

    private static List<Chunk> chunk(List<AgentMessage> tasks, int[] partitions) {
        Map<String, Map<Integer, Map<Priority, List<Integer>>>> byAgent = new LinkedHashMap<>();
        for (int i = 0; i < tasks.size(); i++) {
            byAgent.computeIfAbsent(tasks.get(i).recipient(), agent -> new TreeMap<>())
                    .computeIfAbsent(partitions[i], p -> new EnumMap<>(Priority.class))
                    .computeIfAbsent(tasks.get(i).priority(), p -> new ArrayList<>())
                    .add(i);
        }
        List<Chunk> chunks = new ArrayList<>();
        byAgent.forEach((agent, byPartition) ->
                byPartition.forEach((partition, byPriority) -> byPriority.forEach((priority, indexes) -> {
                    for (int from = 0; from < indexes.size(); from += FleetClient.MAX_CHUNK) {
                        chunks.add(new Chunk(
                                agent,
                                partition,
                                priority,
                                indexes.subList(from, Math.min(indexes.size(), from + FleetClient.MAX_CHUNK))));
                    }
                })));
        return chunks;
    }

    private static final class Chunk {
        final String agent;
        final int partition;
        final Priority priority;
        final List<Integer> indexes;
        RedisGateway.Durable reply;

        Chunk(String agent, int partition, Priority priority, List<Integer> indexes) {
            this.agent = agent;
            this.partition = partition;
            this.priority = priority;
            this.indexes = indexes;
        }
    }

    private void requireDurable(String agent, int partition, long acknowledged) {
        if (acknowledged >= 0 && acknowledged < options.waitReplicas()) {
            throw new DurabilityException(agent, keys.tasks(agent, partition), acknowledged, options.waitReplicas());
        }
    }

    private FleetException backpressureOr(FleetException e, String agent) {
        BackpressureException backpressure = e.getCause() instanceof JedisDataException data
                ? FleetScripts.backpressureFrom(data.getMessage(), keys, agent)
                : null;
        return backpressure != null ? backpressure : e;
    }
}
