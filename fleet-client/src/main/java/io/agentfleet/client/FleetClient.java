package io.agentfleet.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.BackpressureException;
import io.agentfleet.messages.FleetException;
import io.agentfleet.messages.FleetScripts;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.MessageLimits;
import io.agentfleet.messages.MessageType;
import io.agentfleet.messages.Names;
import io.agentfleet.messages.ScriptCall;
import io.agentfleet.messages.StreamKeys;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.PipelineBase;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The producer's client: submits tasks to an AgentFleet straight onto Redis and awaits their outcomes. Operators use
 * {@link FleetAdminClient} (dead letters, statistics) and workflow users {@link FleetWorkflowClient}; {@link #admin()}
 * and {@link #workflows()} give both on this client's connections.
 *
 * <p>Guarantees:
 * <ul>
 *   <li>Every task is validated before anything reaches Redis: it must be a REQUEST for a valid agent type, and its
 *       encoded form must decode under the client's {@link MessageLimits} (the bounds the workers use), so a task the
 *       client accepts is never dead-lettered as INVALID_MESSAGE. Failures throw {@link InvalidMessageException}
 *       naming the field.
 *   <li>Enqueueing runs {@link FleetScripts#ENQUEUE}, the same script the orchestrator uses, so the backlog bound is
 *       checked and the task appended in one atomic step: a {@link BackpressureException} means nothing was
 *       enqueued.
 *   <li>Redis failures surface as {@link FleetConnectionException} (unreachable, timed out, bad credentials) or
 *       {@link FleetException}, naming the host but never the password.
 * </ul>
 *
 * <p>Redis access goes through one Jedis layer chosen from the URL: one node, a Redis Cluster (commands routed by
 * their key's slot, MOVED/ASK followed) or Sentinel (the current primary). Every multi-key step is one script on one
 * hash tag, so it is atomic on one node in every mode.
 *
 * <p>Partitions: a type with N partitions (configured here, else registered in Redis) has N task streams; {@link
 * #submit(AgentMessage, SubmitOptions)} picks one round-robin or by partition key, the {@link TaskHandle} remembers
 * it.
 *
 * <p>Instances are thread-safe: they hold a pool of connections ({@link FleetClientOptions#poolSize()}, per node on a
 * cluster), a JDK {@link java.net.http.HttpClient} (itself thread-safe) and caches (registered types, registered
 * partition counts, round-robin counters). {@link #close()} releases the pool.
 */
public final class FleetClient implements AutoCloseable {
    /** Most tasks one ENQUEUE call of {@link #submitAll(List)} carries. */
    public static final int MAX_CHUNK = 1_000;

    static final String SENDER = "fleet-client";
    private static final Logger LOG = LoggerFactory.getLogger(FleetClient.class);
    private static final String ENQUEUE_WHAT = "enqueueing tasks";
    private static final long REGISTERED_TTL_MILLIS = 10_000;

    private final FleetClientOptions options;
    private final StreamKeys keys;
    private final MessageCodec codec;
    private final RedisGateway redis;
    private final OrchestratorApi orchestrator;
    private final PublishTracing tracing;
    private final FleetAdminClient admin;
    private final FleetWorkflowClient workflows;
    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    /** Agent types whose configured partition count this client has registered (or tried to). */
    private final Set<String> countRegistered = ConcurrentHashMap.newKeySet();
    /** Agent types whose configured partition count this client's ACL user may not register. */
    private final Set<String> mayNotRegister = ConcurrentHashMap.newKeySet();

    private final ConcurrentMap<String, RegisteredCount> registeredCounts = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, AtomicInteger> roundRobin = new ConcurrentHashMap<>();

    private FleetClient(FleetClientOptions options, RedisGateway redis) {
        this.options = options;
        this.keys = options.keys();
        this.codec = new MessageCodec(options.limits());
        this.redis = redis;
        this.tracing = new PublishTracing(options.openTelemetry());
        this.orchestrator = OrchestratorApi.of(options);
        this.admin = new FleetAdminClient(options, codec, redis, false);
        this.workflows = new FleetWorkflowClient(options, redis, orchestrator, false);
    }

    /**
     * Connects with default options to the Redis at {@code redisUri}. The connection is checked with a PING.
     *
     * @throws FleetConnectionException when Redis is unreachable or refuses the credentials
     * @throws IllegalArgumentException when the URI is not {@code redis://} or {@code rediss://}
     */
    public static FleetClient connect(String redisUri) {
        return connect(FleetClientOptions.builder().redisUri(redisUri).build());
    }

    /** Like {@link #connect(String)}. */
    public static FleetClient connect(URI redisUri) {
        return connect(FleetClientOptions.builder().redisUri(redisUri).build());
    }

    /** Connects with the given options; the connection is checked with a PING. */
    public static FleetClient connect(FleetClientOptions options) {
        Objects.requireNonNull(options, "options");
        return new FleetClient(options, RedisGateway.open(options));
    }

    public FleetClientOptions options() {
        return options;
    }

    public StreamKeys keys() {
        return keys;
    }

    /** The codec this client validates with, configured with {@link FleetClientOptions#limits()}. */
    public MessageCodec codec() {
        return codec;
    }

    // ---------------------------------------------------------------- submit

    /**
     * Enqueues one task on its agent type's task stream ({@code prefix:{recipient}:tasks}, or a partition's stream
     * for a partitioned type, picked round-robin).
     *
     * @throws InvalidMessageException when the task is not a REQUEST, or too large or too deep (nothing enqueued)
     * @throws BackpressureException when the agent type's backlog is at its bound (nothing enqueued)
     * @throws DurabilityException when {@link FleetClientOptions#waitReplicas()} replicas did not acknowledge the
     *     enqueue in time (the task is enqueued)
     * @throws FleetConnectionException when Redis cannot be reached (the task may or may not be enqueued)
     */
    public TaskHandle submit(AgentMessage task) {
        return submit(task, SubmitOptions.DEFAULT);
    }

    /**
     * Like {@link #submit(AgentMessage)}, with options such as a partition key ({@link
     * SubmitOptions#partitionKey(String)}): tasks with the same key go to the same partition, in submit order.
     */
    public TaskHandle submit(AgentMessage task, SubmitOptions submitOptions) {
        Objects.requireNonNull(submitOptions, "submitOptions");
        task = submitOptions.attribute(Objects.requireNonNull(task, "task"));
        String agent = task.recipient();
        int partition = Names.isAgentType(agent) ? choosePartition(agent, submitOptions.keyOf(task)) : 0;
        PublishTracing.Publish publish = tracing.start(task, keys.tasks(agent, partition));
        try {
            String json = validate(publish.task(), "task");
            register(agent);
            ScriptCall call = FleetScripts.enqueue(
                    keys, agent, partition, options.maxBacklog(), List.of(RedisGateway.utf8(json)), List.of());
            RedisGateway.Durable done;
            try {
                done = redis.call(
                        ENQUEUE_WHAT, jedis -> redis.runDurably(call, options.waitReplicas(), options.waitTimeout()));
            } catch (FleetException e) {
                throw backpressureOr(e, agent);
            }
            List<String> ids = Replies.strings(done.reply());
            TaskHandle handle = new TaskHandle(agent, task.taskId(), ids.getFirst(), partition);
            requireDurable(agent, partition, done.acknowledged());
            publish.end(null);
            return handle;
        } catch (RuntimeException e) {
            publish.end(e);
            throw e;
        }
    }

    /**
     * Enqueues a new REQUEST for {@code agent} whose content is {@code content} exactly as given (the wire convention
     * is {@code {"input": ...}}; handlers fall back to the whole content), with fresh message and task ids.
     */
    public TaskHandle submit(String agent, ObjectNode content) {
        return submit(AgentMessage.request(agent, content).sender(SENDER).build());
    }

    /** {@link #submitAll(List, SubmitOptions)} with round-robin partitions. */
    public List<TaskHandle> submitAll(List<AgentMessage> tasks) {
        return submitAll(tasks, SubmitOptions.DEFAULT);
    }

    /**
     * Enqueues many tasks with few round trips: tasks are grouped per agent type and partition, each group is split
     * into chunks of at most {@value #MAX_CHUNK}, and one ENQUEUE call per chunk is sent, all chunks in one pipeline
     * (on Redis Cluster, one pipeline per node). Within a partition of an agent type, tasks reach the stream in input
     * order; for an unpartitioned type (or tasks of one partition key) that is input order.
     *
     * <p>Every task is validated first; one invalid task throws {@link InvalidMessageException} (its field is
     * prefixed with {@code tasks[i].}) and nothing is enqueued.
     *
     * <p>Backpressure is decided per chunk, all-or-nothing, by the script: a chunk is refused when the backlog plus
     * the chunk's size would pass the bound. Chunks are independent, so with several chunks:
     * <ul>
     *   <li>if every chunk is refused, a {@link BackpressureException} is thrown and nothing was enqueued;
     *   <li>if some chunks are accepted and others refused, the accepted ones stay enqueued and a
     *       {@link PartialSubmitException} lists the enqueued handles and the refused tasks. A later chunk of an agent
     *       type may be accepted after an earlier one was refused (for example a smaller last chunk), so the refused
     *       tasks are not necessarily a suffix of the input.
     * </ul>
     *
     * @return one handle per task, in input order
     * @throws DurabilityException when the replicas asked for did not acknowledge some chunk (all are enqueued)
     */
    public List<TaskHandle> submitAll(List<AgentMessage> given, SubmitOptions submitOptions) {
        Objects.requireNonNull(given, "tasks");
        Objects.requireNonNull(submitOptions, "submitOptions");
        List<AgentMessage> tasks = new ArrayList<>(given.size());
        given.forEach(t -> tasks.add(submitOptions.attribute(t)));
        int[] partitions = new int[tasks.size()];
        for (int i = 0; i < tasks.size(); i++) {
            AgentMessage task = tasks.get(i);
            partitions[i] = task != null && Names.isAgentType(task.recipient())
                    ? choosePartition(task.recipient(), submitOptions.keyOf(task))
                    : 0;
        }
        List<PublishTracing.Publish> publishes =
                tracing.startAll(tasks, i -> keys.tasks(tasks.get(i).recipient(), partitions[i]));
        try {
            List<String> encoded = new ArrayList<>(tasks.size());
            for (int i = 0; i < tasks.size(); i++) {
                encoded.add(validate(
                        publishes.isEmpty() ? tasks.get(i) : publishes.get(i).task(), "tasks[" + i + "]"));
            }
            List<Chunk> chunks = chunk(tasks, partitions);
            for (Chunk chunk : chunks) {
                register(chunk.agent);
            }
            enqueueChunks(chunks, encoded);
            List<TaskHandle> handles = collectHandles(tasks, chunks);
            publishes.forEach(p -> p.end(null));
            return handles;
        } catch (RuntimeException e) {
            publishes.forEach(p -> p.end(e));
            throw e;
        }
    }

    private void enqueueChunks(List<Chunk> chunks, List<String> encoded) {
        List<ScriptCall> calls = new ArrayList<>(chunks.size());
        for (Chunk chunk : chunks) {
            List<byte[]> json = chunk.indexes.stream()
                    .map(i -> RedisGateway.utf8(encoded.get(i)))
                    .toList();
            calls.add(FleetScripts.enqueue(keys, chunk.agent, chunk.partition, options.maxBacklog(), json, List.of()));
        }
        List<RedisGateway.Durable> replies = redis.call(
                ENQUEUE_WHAT, jedis -> redis.runPipelined(calls, options.waitReplicas(), options.waitTimeout()));
        for (int i = 0; i < chunks.size(); i++) {
            chunks.get(i).reply = replies.get(i);
        }
    }

    private List<TaskHandle> collectHandles(List<AgentMessage> tasks, List<Chunk> chunks) {
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
            List<String> ids = Replies.strings(chunk.reply.reply());
            for (int i = 0; i < ids.size(); i++) {
                int index = chunk.indexes.get(i);
                handles[index] = new TaskHandle(chunk.agent, tasks.get(index).taskId(), ids.get(i), chunk.partition);
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
        Map<String, Map<Integer, List<Integer>>> byAgent = new LinkedHashMap<>();
        for (int i = 0; i < tasks.size(); i++) {
            byAgent.computeIfAbsent(tasks.get(i).recipient(), agent -> new TreeMap<>())
                    .computeIfAbsent(partitions[i], p -> new ArrayList<>())
                    .add(i);
        }
        List<Chunk> chunks = new ArrayList<>();
        byAgent.forEach((agent, byPartition) -> byPartition.forEach((partition, indexes) -> {
            for (int from = 0; from < indexes.size(); from += MAX_CHUNK) {
                chunks.add(
                        new Chunk(agent, partition, indexes.subList(from, Math.min(indexes.size(), from + MAX_CHUNK))));
            }
        }));
        return chunks;
    }

    private static final class Chunk {
        final String agent;
        final int partition;
        final List<Integer> indexes;
        RedisGateway.Durable reply;

        Chunk(String agent, int partition, List<Integer> indexes) {
            this.agent = agent;
            this.partition = partition;
            this.indexes = indexes;
        }
    }

    // ---------------------------------------------------------------- partitions and the registry

    /**
     * How many partitions writers of {@code agent} use: the count configured in this process ({@link
     * FleetClientOptions#partitions()} or {@code FLEET_AGENTS_<TYPE>_PARTITIONS}), else the count registered in Redis
     * (read at most every {@value #REGISTERED_TTL_MILLIS} ms), else 1.
     */
    public int writePartitions(String agent) {
        int configured = options.configuredPartitions(agent);
        if (configured > 0 && !mayNotRegister.contains(agent)) {
            return configured;
        }
        int registeredCount = Math.max(1, registeredPartitions(agent));
        // A client that could not register its count writes only where readers look.
        return configured > 0 ? Math.min(configured, registeredCount) : registeredCount;
    }

    private int registeredPartitions(String agent) {
        long now = System.nanoTime();
        RegisteredCount known = registeredCounts.get(agent);
        if (known != null && now - known.readAt < REGISTERED_TTL_MILLIS * 1_000_000L) {
            return known.count;
        }
        int count = PartitionCounts.registered(redis, keys, agent);
        registeredCounts.put(agent, new RegisteredCount(count, now));
        return count;
    }

    private record RegisteredCount(int count, long readAt) {}

    private int choosePartition(String agent, String partitionKey) {
        registerConfiguredCount(agent);
        int count = writePartitions(agent);
        if (count == 1) {
            return 0;
        }
        if (partitionKey != null) {
            return StreamKeys.partitionFor(partitionKey, count);
        }
        return Math.floorMod(
                roundRobin.computeIfAbsent(agent, a -> new AtomicInteger()).getAndIncrement(), count);
    }

    /** The first time this client enqueues to {@code agent}: adds it to the registry of agent types. */
    private void register(String agent) {
        if (registered.contains(agent)) {
            return;
        }
        redis.call("registering agent type '" + agent + "'", jedis -> {
            try {
                jedis.sadd(keys.agents(), agent);
            } catch (JedisDataException e) {
                // A producer whose ACL lacks SADD on the registry still enqueues: workers register the types
                // they serve, so the type shows up once served.
                if (e.getMessage() == null || !e.getMessage().startsWith("NOPERM")) {
                    throw e;
                }
                LOG.warn("agent type '{}' not added to the registry {}: {}", agent, keys.agents(), e.getMessage());
            }
            return null;
        });
        registered.add(agent);
    }

    /**
     * Before this client first chooses a partition of {@code agent} it configures a count for: raises the registered
     * count to it, so that workers and status serve every partition written to.
     */
    private void registerConfiguredCount(String agent) {
        int configured = options.configuredPartitions(agent);
        if (configured <= 0 || countRegistered.contains(agent)) {
            return;
        }
        redis.call("registering the partition count of agent type '" + agent + "'", jedis -> {
            try {
                redis.run(FleetScripts.registerPartitions(keys, agent, configured));
            } catch (JedisDataException e) {
                if (!RedisGateway.isPermissionDenied(e)) {
                    throw e;
                }
                // A producer's ACL user may not write config hashes (that would also let it change max-backlog):
                // workers and the orchestrator register counts; this client then writes to the registered ones.
                mayNotRegister.add(agent);
                LOG.warn(
                        "agent type '{}': may not register {} partitions ({}); writing to the partitions registered"
                                + " by the fleet instead",
                        agent,
                        configured,
                        e.getMessage());
            }
            return null;
        });
        countRegistered.add(agent);
    }

    private void requireDurable(String agent, int partition, long acknowledged) {
        if (acknowledged >= 0 && acknowledged < options.waitReplicas()) {
            throw new DurabilityException(agent, keys.tasks(agent, partition), acknowledged, options.waitReplicas());
        }
    }

    private String validate(AgentMessage task, String field) {
        if (task == null) {
            throw new InvalidMessageException(field, "is required");
        }
        if (task.type() != MessageType.REQUEST) {
            throw new InvalidMessageException(
                    field + ".type", "a submitted task must be a REQUEST, but was " + task.type());
        }
        try {
            Names.requireAgentType("recipient", task.recipient());
            String json = codec.encode(task);
            int bytes = json.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > options.limits().maxBytes()) {
                throw new InvalidMessageException(
                        "$",
                        "task " + task.taskId() + " is " + bytes + " bytes encoded, over the limit of "
                                + options.limits().maxBytes() + " bytes");
            }
            // Accepts exactly what decoding would (the checks a worker applies, nesting depth included), without
            // re-building the message when it round-trips by construction.
            codec.requireDecodable(task, json);
            return json;
        } catch (InvalidMessageException e) {
            if (field.equals("task")) {
                throw e;
            }
            throw new InvalidMessageException(field + "." + e.field(), e.reason());
        }
    }

    private FleetException backpressureOr(FleetException e, String agent) {
        BackpressureException backpressure = e.getCause() instanceof JedisDataException data
                ? FleetScripts.backpressureFrom(data.getMessage(), keys, agent)
                : null;
        return backpressure != null ? backpressure : e;
    }

    // ---------------------------------------------------------------- await

    /** {@link #await(TaskHandle, Duration)} with {@link FleetClientOptions#doneTimeout()}. */
    public TaskResult await(TaskHandle handle) {
        return await(handle, options.doneTimeout());
    }

    /**
     * Waits for the task's recorded outcome ({@code prefix:{A}:done:TASKID}), polling with a short exponential
     * backoff (1 ms growing to 50 ms).
     *
     * @return the RESULT's output and usage
     * @throws TaskDeadLetteredException the task was dead-lettered (reason and last error attached)
     * @throws TaskCancelledException the task's run was cancelled
     * @throws ClarificationNeededException the agent asked a question instead of answering
     * @throws TaskTimeoutException no outcome within {@code timeout}; the task is left alone and may still complete
     */
    public TaskResult await(TaskHandle handle, Duration timeout) {
        Objects.requireNonNull(handle, "handle");
        long deadline = Polling.deadlineOf(timeout);
        String doneKey = keys.done(handle.agent(), handle.partition(), handle.taskId());
        Duration pause = Polling.FIRST_POLL;
        while (true) {
            String recorded = redis.call("reading the outcome of task " + handle.taskId(), jedis -> jedis.get(doneKey));
            if (recorded != null) {
                return Outcomes.resultOf(handle, recorded, codec);
            }
            pause = Polling.pauseBefore(
                    deadline, pause, () -> new TaskTimeoutException(handle.agent(), handle.taskId(), timeout, ""));
        }
    }

    /**
     * Waits for all tasks within one overall {@code timeout}, reading outstanding outcomes in one pipeline per poll.
     *
     * @return the results in the order of {@code handles}
     * @throws TaskFailedException of the first handle (in input order) whose task failed, once all have an outcome
     * @throws TaskTimeoutException naming the first task still without an outcome and how many are outstanding
     */
    public List<TaskResult> awaitAll(List<TaskHandle> handles, Duration timeout) {
        Objects.requireNonNull(handles, "handles");
        long deadline = Polling.deadlineOf(timeout);
        String[] recorded = new String[handles.size()];
        Duration pause = Polling.FIRST_POLL;
        while (true) {
            List<Integer> outstanding = readOutcomes(handles, recorded);
            if (outstanding.isEmpty()) {
                break;
            }
            TaskHandle first = handles.get(outstanding.getFirst());
            pause = Polling.pauseBefore(
                    deadline,
                    pause,
                    () -> new TaskTimeoutException(
                            first.agent(),
                            first.taskId(),
                            timeout,
                            " (" + outstanding.size() + " of " + handles.size() + " tasks still without an outcome)"));
        }
        List<TaskResult> results = new ArrayList<>(handles.size());
        for (int i = 0; i < handles.size(); i++) {
            results.add(Outcomes.resultOf(handles.get(i), recorded[i], codec));
        }
        return results;
    }

    private List<Integer> readOutcomes(List<TaskHandle> handles, String[] recorded) {
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < recorded.length; i++) {
            if (recorded[i] == null) {
                missing.add(i);
            }
        }
        if (missing.isEmpty()) {
            return missing;
        }
        List<Response<String>> replies = redis.call("reading task outcomes", jedis -> {
            try (PipelineBase pipeline = jedis.pipelined()) {
                List<Response<String>> gets = new ArrayList<>(missing.size());
                for (int index : missing) {
                    TaskHandle handle = handles.get(index);
                    gets.add(pipeline.get(keys.done(handle.agent(), handle.partition(), handle.taskId())));
                }
                pipeline.sync();
                return gets;
            }
        });
        List<Integer> stillMissing = new ArrayList<>();
        for (int i = 0; i < missing.size(); i++) {
            recorded[missing.get(i)] = replies.get(i).get();
            if (recorded[missing.get(i)] == null) {
                stillMissing.add(missing.get(i));
            }
        }
        return stillMissing;
    }

    // ---------------------------------------------------------------- operator and workflow views

    /** The operator's calls (dead letters, statistics) on this client's connections; closing it leaves them open. */
    public FleetAdminClient admin() {
        return admin;
    }

    /** The workflow calls on this client's connections; closing it leaves them open. */
    public FleetWorkflowClient workflows() {
        return workflows;
    }

    /** Releases the connection pool and the HTTP client; in-flight calls on other threads fail. */
    @Override
    public void close() {
        redis.close();
        if (orchestrator != null) {
            orchestrator.shutdown();
        }
    }

    @Override
    public String toString() {
        return "FleetClient[" + options.redactedUri() + ", prefix=" + keys.prefix()
                + (orchestrator == null ? "" : ", orchestrator=" + FleetClientOptions.redact(orchestrator.base()))
                + "]";
    }
}
