package io.agentfleet.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.BackpressureException;
import io.agentfleet.messages.DeadLetter;
import io.agentfleet.messages.FleetException;
import io.agentfleet.messages.FleetScripts;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.MessageLimits;
import io.agentfleet.messages.MessageType;
import io.agentfleet.messages.Names;
import io.agentfleet.messages.RunEventType;
import io.agentfleet.messages.RunStatus;
import io.agentfleet.messages.ScriptCall;
import io.agentfleet.messages.StreamKeys;
import io.opentelemetry.api.OpenTelemetry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.PipelineBase;
import redis.clients.jedis.Response;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamConsumerInfo;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamGroupInfo;
import redis.clients.jedis.resps.StreamPendingEntry;

/**
 * Submits tasks to an AgentFleet straight onto Redis and awaits their outcomes; submits workflow runs through the
 * orchestrator's HTTP API ({@link #submitWorkflow(Workflow)}, {@link #awaitRun(RunHandle, Duration)}, when
 * {@link FleetClientOptions#orchestratorUri()} is set); also the admin operations behind {@code fleetctl} (dead
 * letters, queue statistics, run state).
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
 * it, and the admin operations (statistics, dead letters, purge) cover every partition.
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
    private static final Duration FIRST_POLL = Duration.ofMillis(1);
    private static final Duration MAX_POLL = Duration.ofMillis(50);
    private static final int REDRIVE_BATCH = 100;
    private static final String ENQUEUE_WHAT = "enqueueing tasks";
    private static final long REGISTERED_TTL_MILLIS = 10_000;

    private final FleetClientOptions options;
    private final StreamKeys keys;
    private final MessageCodec codec;
    private final RedisGateway redis;
    private final OrchestratorApi orchestrator;
    private final PublishTracing tracing;
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
        this.orchestrator = options.orchestratorUri() == null
                ? null
                : new OrchestratorApi(options.orchestratorUri(), options.apiKey(), options.httpTimeout());
    }

    /**
     * Connects with default options to the Redis at {@code redisUri}. The connection is checked with a PING.
     *
     * @throws FleetConnectionException when Redis is unreachable or refuses the credentials
     * @throws IllegalArgumentException when the URI is not {@code redis://} or {@code rediss://}
     */
    public static FleetClient connect(String redisUri) {
        return builder().redisUri(redisUri).build();
    }

    /** Like {@link #connect(String)}. */
    public static FleetClient connect(URI redisUri) {
        return builder().redisUri(redisUri).build();
    }

    /** Connects with the given options; the connection is checked with a PING. */
    public static FleetClient connect(FleetClientOptions options) {
        Objects.requireNonNull(options, "options");
        return new FleetClient(options, RedisGateway.open(options));
    }

    public static Builder builder() {
        return new Builder();
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
            List<String> ids = strings(done.reply());
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
            List<String> ids = strings(chunk.reply.reply());
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
        int registeredCount = Math.max(1, registeredPartitions(agent, true));
        // A client that could not register its count writes only where readers look.
        return configured > 0 ? Math.min(configured, registeredCount) : registeredCount;
    }

    /**
     * Every partition of {@code agent} that may hold work: max(configured, registered), read fresh from Redis. Admin
     * operations (statistics, dead letters, purge) cover this many.
     */
    public int partitions(String agent) {
        return Math.max(1, Math.max(options.configuredPartitions(agent), registeredPartitions(agent, false)));
    }

    private int registeredPartitions(String agent, boolean cached) {
        long now = System.nanoTime();
        RegisteredCount known = registeredCounts.get(agent);
        if (cached && known != null && now - known.readAt < REGISTERED_TTL_MILLIS * 1_000_000L) {
            return known.count;
        }
        String config = keys.config(agent, 0);
        String value = redis.call(
                "reading the partition count of agent type '" + agent + "'",
                jedis -> jedis.hget(config, StreamKeys.PARTITIONS_FIELD));
        int count = parseCount(value);
        registeredCounts.put(agent, new RegisteredCount(count, now));
        return count;
    }

    private static int parseCount(String value) {
        if (value == null) {
            return 0;
        }
        try {
            return Math.min(StreamKeys.MAX_PARTITIONS, Math.max(0, Integer.parseInt(value.trim())));
        } catch (NumberFormatException e) {
            return 0;
        }
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

    /** Agent types in the fleet's registry ({@code prefix:agents}): every type served or sent work. */
    public SortedSet<String> agentTypes() {
        String registry = keys.agents();
        return redis.call("reading " + registry, jedis -> new TreeSet<>(jedis.smembers(registry)));
    }

    /**
     * Agent types known to the fleet.
     *
     * @deprecated the registry replaced the SCAN for task streams (which saw one node of a cluster): use {@link
     *     #agentTypes()}
     */
    @Deprecated
    public SortedSet<String> knownAgents() {
        return agentTypes();
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
        long deadline = deadlineOf(timeout);
        String doneKey = keys.done(handle.agent(), handle.partition(), handle.taskId());
        Duration pause = FIRST_POLL;
        while (true) {
            String recorded = redis.call("reading the outcome of task " + handle.taskId(), jedis -> jedis.get(doneKey));
            if (recorded != null) {
                return Outcomes.resultOf(handle, recorded, codec);
            }
            pause = pauseBefore(
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
        long deadline = deadlineOf(timeout);
        String[] recorded = new String[handles.size()];
        Duration pause = FIRST_POLL;
        while (true) {
            List<Integer> outstanding = readOutcomes(handles, recorded);
            if (outstanding.isEmpty()) {
                break;
            }
            TaskHandle first = handles.get(outstanding.getFirst());
            pause = pauseBefore(
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

    private static long deadlineOf(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be >= 0, but was " + timeout);
        }
        return System.nanoTime() + timeout.toNanos();
    }

    /** Sleeps the next backoff step, or throws the timeout once the deadline has passed; returns the next step. */
    private static Duration pauseBefore(long deadline, Duration pause, Supplier<? extends FleetException> timeout) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            throw timeout.get();
        }
        try {
            Thread.sleep(Duration.ofNanos(Math.min(pause.toNanos(), remaining)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FleetException("interrupted while awaiting an outcome", e);
        }
        Duration next = pause.multipliedBy(2);
        return next.compareTo(MAX_POLL) > 0 ? MAX_POLL : next;
    }

    // ---------------------------------------------------------------- dead letters

    /** The oldest {@code count} dead letters of partition 0 of {@code agent} (the whole of an unpartitioned type). */
    public List<DeadLetter> deadLetters(String agent, int count) {
        return deadLetters(agent, 0, count);
    }

    /** The oldest {@code count} dead letters of one partition of {@code agent}, oldest first. */
    public List<DeadLetter> deadLetters(String agent, int partition, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, but was " + count);
        }
        String dead = keys.dead(agent, partition);
        List<StreamEntry> entries = redis.call("reading " + dead, jedis -> jedis.xrange(dead, "-", "+", count));
        return entries.stream()
                .map(e -> DeadLetter.fromFields(e.getID().toString(), agent, e.getFields()))
                .toList();
    }

    /** One dead letter by its entry id on partition 0's {@code prefix:{agent}:dead}, if it is still there. */
    public Optional<DeadLetter> deadLetter(String agent, String entryId) {
        return deadLetter(agent, 0, entryId);
    }

    /** One dead letter by its entry id on the dead-letter stream of partition {@code partition}. */
    public Optional<DeadLetter> deadLetter(String agent, int partition, String entryId) {
        String dead = keys.dead(agent, partition);
        String id = requireEntryId(entryId);
        List<StreamEntry> entries = redis.call("reading " + dead, jedis -> jedis.xrange(dead, id, id, 1));
        return entries.stream()
                .findFirst()
                .map(e -> DeadLetter.fromFields(e.getID().toString(), agent, e.getFields()));
    }

    /** {@link #redrive(String, int, Collection)} on partition 0 (an unpartitioned type). */
    public int redrive(String agent, Collection<String> entryIds) {
        return redrive(agent, 0, entryIds);
    }

    /**
     * Puts the given dead letters of one partition back on that partition's task stream as fresh tasks ({@link
     * DeadLetter#redriveMessage}: attempt 1, new message id, no deadline) and deletes their done records, so awaiting
     * the task waits for the new run. Runs {@link FleetScripts#REDRIVE}, which removes each dead letter and enqueues
     * it in one step: a dead letter redriven concurrently by two callers is enqueued once. Redrive is an operator
     * action and bypasses the backlog bound.
     *
     * @return how many were redriven; ids not found (already redriven or purged) and dead letters whose original
     *     message cannot be decoded are skipped and left as they are
     */
    public int redrive(String agent, int partition, Collection<String> entryIds) {
        Objects.requireNonNull(entryIds, "entryIds");
        List<DeadLetter> found = new ArrayList<>();
        for (String entryId : entryIds) {
            deadLetter(agent, partition, entryId).ifPresent(found::add);
        }
        int redriven = 0;
        for (int from = 0; from < found.size(); from += REDRIVE_BATCH) {
            redriven +=
                    redriveBatch(agent, partition, found.subList(from, Math.min(found.size(), from + REDRIVE_BATCH)));
        }
        return redriven;
    }

    /** Redrives every dead letter of every partition of {@code agent}; returns how many. */
    public int redriveAll(String agent) {
        int redriven = 0;
        for (int partition = 0; partition < partitions(agent); partition++) {
            redriven += redriveAll(agent, partition);
        }
        return redriven;
    }

    /** Redrives every dead letter of one partition of {@code agent} (see {@link #redrive(String, int, Collection)}). */
    public int redriveAll(String agent, int partition) {
        String dead = keys.dead(agent, partition);
        String start = "-";
        int redriven = 0;
        while (true) {
            String from = start;
            List<StreamEntry> page =
                    redis.call("reading " + dead, jedis -> jedis.xrange(dead, from, "+", REDRIVE_BATCH));
            if (page.isEmpty()) {
                return redriven;
            }
            redriven += redriveBatch(
                    agent,
                    partition,
                    page.stream()
                            .map(e -> DeadLetter.fromFields(e.getID().toString(), agent, e.getFields()))
                            .toList());
            start = "(" + page.getLast().getID();
        }
    }

    private int redriveBatch(String agent, int partition, List<DeadLetter> letters) {
        List<FleetScripts.Redrive> redrives = new ArrayList<>(letters.size());
        for (DeadLetter letter : letters) {
            AgentMessage message;
            try {
                message = letter.redriveMessage(codec);
            } catch (InvalidMessageException e) {
                LOG.warn(
                        "dead letter {} of agent type '{}' (partition {}) cannot be redriven: {}",
                        letter.entryId(),
                        agent,
                        partition,
                        e.getMessage());
                continue;
            }
            redrives.add(new FleetScripts.Redrive(
                    letter.entryId(), message.taskId(), RedisGateway.utf8(codec.encode(message))));
        }
        if (redrives.isEmpty()) {
            return 0;
        }
        ScriptCall call = FleetScripts.redrive(keys, agent, partition, redrives);
        Object reply = redis.call("redriving dead letters of agent type '" + agent + "'", jedis -> redis.run(call));
        return (int) strings(reply).stream().filter(Objects::nonNull).count();
    }

    /**
     * Deletes every dead letter of every partition of {@code agent}, each partition in one atomic step (a script on
     * that partition's slot: MULTI/EXEC is not routed by key on Redis Cluster); returns how many there were.
     */
    public long purgeDeadLetters(String agent) {
        long purged = 0;
        for (int partition = 0; partition < partitions(agent); partition++) {
            purged += purgeDeadLetters(agent, partition);
        }
        return purged;
    }

    /** Deletes every dead letter of one partition of {@code agent} atomically; returns how many there were. */
    public long purgeDeadLetters(String agent, int partition) {
        String dead = keys.dead(agent, partition);
        ScriptCall call = FleetScripts.purgeDead(keys, agent, partition);
        Object reply = redis.call("purging " + dead, jedis -> redis.run(call));
        return reply instanceof Number n ? n.longValue() : 0;
    }

    // ---------------------------------------------------------------- statistics

    /**
     * Length, lag, pending work, consumers, delayed retries and dead letters of one agent type, summed over its
     * partitions, with each partition's own figures when it has more than one (see {@link AgentStats}).
     */
    public AgentStats agentStats(String agent) {
        int count = partitions(agent);
        List<PartitionStats> each = new ArrayList<>(count);
        for (int partition = 0; partition < count; partition++) {
            each.add(partitionStats(agent, partition));
        }
        return AgentStats.of(agent, each);
    }

    /** The figures of one partition of {@code agent}. */
    public PartitionStats partitionStats(String agent, int partition) {
        String tasks = keys.tasks(agent, partition);
        return redis.call("reading statistics of " + tasks, jedis -> {
            long length = jedis.xlen(tasks);
            Optional<StreamGroupInfo> group = workersGroup(jedis, tasks);
            long pending = group.map(StreamGroupInfo::getPending).orElse(0L);
            return new PartitionStats(
                    partition,
                    length,
                    group.map(FleetClient::lagOf).orElse(null),
                    pending,
                    pending > 0 ? oldestPendingAge(jedis, tasks) : null,
                    group.isPresent()
                            ? consumers(jedis, tasks, keys.seen(agent, partition, StreamKeys.WORKERS_GROUP))
                            : List.of(),
                    jedis.zcard(keys.delayed(agent, partition)),
                    jedis.xlen(keys.dead(agent, partition)));
        });
    }

    private static Optional<StreamGroupInfo> workersGroup(UnifiedJedis jedis, String tasks) {
        if (!jedis.exists(tasks)) {
            return Optional.empty();
        }
        return jedis.xinfoGroups(tasks).stream()
                .filter(g -> StreamKeys.WORKERS_GROUP.equals(g.getName()))
                .findFirst();
    }

    private static Long lagOf(StreamGroupInfo group) {
        // Redis 7 reports "lag" (nil when it cannot compute it); Redis 6.2 has no such field: unknown, not 0.
        Object lag = group.getGroupInfo().get("lag");
        return lag instanceof Number n ? n.longValue() : null;
    }

    private static Duration oldestPendingAge(UnifiedJedis jedis, String tasks) {
        List<StreamPendingEntry> first =
                jedis.xpending(tasks, StreamKeys.WORKERS_GROUP, new XPendingParams("-", "+", 1));
        return first.isEmpty() ? null : Duration.ofMillis(first.getFirst().getIdleTime());
    }

    /** The group's consumers, each seen at the later of its last interaction and its heartbeat in {@code seen}. */
    private static List<ConsumerStats> consumers(UnifiedJedis jedis, String tasks, String seen) {
        List<StreamConsumerInfo> infos = jedis.xinfoConsumers2(tasks, StreamKeys.WORKERS_GROUP);
        Map<String, String> heartbeats = jedis.hgetAll(seen);
        long now = heartbeats.isEmpty() ? 0 : redisMillis(jedis, seen);
        return infos.stream()
                .map(c -> {
                    long idle = c.getIdle();
                    String beat = heartbeats.get(c.getName());
                    long sinceSeen = beat == null ? idle : Math.max(0, Math.min(idle, now - Long.parseLong(beat)));
                    return new ConsumerStats(
                            c.getName(), c.getPending(), Duration.ofMillis(idle), Duration.ofMillis(sinceSeen));
                })
                .toList();
    }

    /** Redis's clock, the one the heartbeats were taken with, read on the node holding {@code key}. */
    private static long redisMillis(UnifiedJedis jedis, String key) {
        List<?> time = (List<?>) jedis.eval("return redis.call('TIME')", List.of(key), List.of());
        return Long.parseLong(text(time.get(0))) * 1000 + Long.parseLong(text(time.get(1))) / 1000;
    }

    private static String text(Object reply) {
        return reply instanceof byte[] bytes ? new String(bytes, StandardCharsets.US_ASCII) : String.valueOf(reply);
    }

    // ---------------------------------------------------------------- workflow runs

    /**
     * Submits a workflow run through the orchestrator ({@code POST /v1/workflows}), which validates it, records the run
     * and dispatches its first tasks. Needs {@link FleetClientOptions#orchestratorUri()}.
     *
     * @return the accepted run; follow it with {@link #awaitRun(RunHandle, Duration)}
     * @throws InvalidMessageException the orchestrator refused the workflow (400, 413): field and reason from its answer,
     *     for example {@code tasks[0].dependsOn: dependency cycle: a -> b -> a}
     * @throws FleetAuthException the API key is missing (401) or unknown (403)
     * @throws RateLimitedException the key is over its request rate, or an agent type's backlog is full (429)
     * @throws OrchestratorException any other refusal, or the orchestrator could not be reached (the run may or may not
     *     have been created)
     */
    public RunHandle submitWorkflow(Workflow workflow) {
        Objects.requireNonNull(workflow, "workflow");
        return submitWorkflow(workflow.toJson());
    }

    /**
     * Like {@link #submitWorkflow(Workflow)} with the request body as JSON, for fields the typed builder lacks
     * (reviews, escalation); the body's shape is that of {@code POST /v1/workflows} in the orchestrator's API.
     */
    public RunHandle submitWorkflow(ObjectNode body) {
        Objects.requireNonNull(body, "body");
        ObjectNode accepted = orchestrator().post("/v1/workflows", body, "submitting a workflow");
        String runId = accepted.path("runId").asText(null);
        if (runId == null) {
            throw new FleetException(
                    "orchestrator at " + orchestrator.base() + " accepted a workflow without a runId: " + accepted);
        }
        return new RunHandle(
                runId,
                accepted.path("status").asText("RUNNING"),
                accepted.path("tasks").asInt());
    }

    /**
     * The run's current view from the orchestrator ({@code GET /v1/runs/{id}}), whatever its status.
     *
     * @throws OrchestratorException with status 404 when the run is unknown (or its record expired)
     */
    public RunResult run(String runId) {
        Objects.requireNonNull(runId, "runId");
        return RunResult.fromView(orchestrator().get("/v1/runs/" + runId, "reading run " + runId));
    }

    /** {@link #awaitRun(RunHandle, Duration)} with {@link FleetClientOptions#doneTimeout()}. */
    public RunResult awaitRun(RunHandle handle) {
        return awaitRun(handle, options.doneTimeout());
    }

    /**
     * Waits until the run reaches a terminal status (neither {@code RUNNING} nor {@code NEEDS_HUMAN}), then reads its
     * final view from the orchestrator.
     *
     * <p>While waiting, the client polls the {@code status} field of the run's state hash
     * ({@code prefix:{run:R}:state}) straight from Redis, with a short exponential backoff (1 ms growing to 50 ms).
     * One HGET is far cheaper than {@code GET /v1/runs/{id}}, which makes the orchestrator load and render the whole
     * run, and polling does not spend the API key's request rate limit, which all of the key's callers share. The
     * orchestrator is asked once, for the result. The client's {@link FleetClientOptions#prefix()} must be the
     * orchestrator's.
     *
     * @return the completed run, with each task's output
     * @throws RunFailedException the run ended in another terminal status (its final view attached)
     * @throws RunTimeoutException the run did not end within {@code timeout}; it is left running
     * @throws OrchestratorException the run is unknown (404), for example because its record expired
     */
    public RunResult awaitRun(RunHandle handle, Duration timeout) {
        Objects.requireNonNull(handle, "handle");
        OrchestratorApi api = orchestrator();
        long deadline = deadlineOf(timeout);
        String stateKey = keys.runState(handle.runId());
        Duration pause = FIRST_POLL;
        while (true) {
            String status =
                    redis.call("reading the status of run " + handle.runId(), jedis -> jedis.hget(stateKey, "status"));
            // No state at all: unknown or expired; the orchestrator's answer (404) says which run.
            if (status == null || RunStatus.isTerminal(status)) {
                break;
            }
            pause = pauseBefore(deadline, pause, () -> new RunTimeoutException(handle.runId(), timeout, status));
        }
        RunResult result = RunResult.fromView(api.get("/v1/runs/" + handle.runId(), "reading run " + handle.runId()));
        if (!result.completed()) {
            throw new RunFailedException(result);
        }
        return result;
    }

    private OrchestratorApi orchestrator() {
        if (orchestrator == null) {
            throw new IllegalStateException(
                    "workflows need the orchestrator: set orchestratorUri in the client options");
        }
        return orchestrator;
    }

    /** The fields of a run's state hash ({@code prefix:{run:R}:state}); empty when the run is unknown. */
    public Map<String, String> runState(String runId) {
        String state = keys.runState(runId);
        return redis.call("reading " + state, jedis -> jedis.hgetAll(state));
    }

    /**
     * Events of a run after {@code afterEntryId} ({@code "0"} for the first), at most {@code count}, waiting up to
     * {@code block} for the first one (zero = don't wait). {@code block} must be shorter than the command timeout.
     *
     * @return the events, empty when none arrived in time
     */
    public List<RunEvent> runEvents(String runId, String afterEntryId, int count, Duration block) {
        String events = keys.runEvents(runId);
        String id = requireEntryId(afterEntryId);
        StreamEntryID after = new StreamEntryID(id.contains("-") ? id : id + "-0");
        if (block.compareTo(options.commandTimeout()) >= 0) {
            throw new IllegalArgumentException(
                    "block must be shorter than commandTimeout " + options.commandTimeout() + ", but was " + block);
        }
        XReadParams params = XReadParams.xReadParams().count(Math.max(1, count));
        if (!block.isZero()) {
            params.block((int) block.toMillis());
        }
        List<Map.Entry<String, List<StreamEntry>>> reply =
                redis.call("reading " + events, jedis -> jedis.xread(params, Map.of(events, after)));
        if (reply == null || reply.isEmpty()) {
            return List.of();
        }
        return reply.getFirst().getValue().stream()
                .map(e -> new RunEvent(
                        e.getID().toString(),
                        e.getFields().getOrDefault(RunEventType.TYPE_FIELD, ""),
                        e.getFields().getOrDefault(RunEventType.DATA_FIELD, "")))
                .toList();
    }

    private static String requireEntryId(String entryId) {
        if (entryId == null || !entryId.matches("\\d{1,20}(-\\d{1,20})?")) {
            throw new InvalidMessageException(
                    "entryId", "'" + entryId + "' is not a stream entry id such as 1700000000000-0");
        }
        return entryId;
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object reply) {
        if (!(reply instanceof List<?> list)) {
            throw new FleetException("unexpected script reply: " + reply);
        }
        List<String> out = new ArrayList<>(list.size());
        for (Object item : (List<Object>) list) {
            out.add(
                    item == null
                            ? null
                            : item instanceof byte[] bytes
                                    ? new String(bytes, StandardCharsets.UTF_8)
                                    : item.toString());
        }
        return out;
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

    /** Builds {@link FleetClientOptions} and connects; see the options for each setting's meaning and default. */
    public static final class Builder {
        private final FleetClientOptions.Builder options = FleetClientOptions.builder();

        private Builder() {}

        public Builder redisUri(String value) {
            options.redisUri(value);
            return this;
        }

        public Builder redisUri(URI value) {
            options.redisUri(value);
            return this;
        }

        public Builder prefix(String value) {
            options.prefix(value);
            return this;
        }

        public Builder maxBacklog(long value) {
            options.maxBacklog(value);
            return this;
        }

        public Builder doneTimeout(Duration value) {
            options.doneTimeout(value);
            return this;
        }

        public Builder poolSize(int value) {
            options.poolSize(value);
            return this;
        }

        public Builder commandTimeout(Duration value) {
            options.commandTimeout(value);
            return this;
        }

        public Builder limits(MessageLimits value) {
            options.limits(value);
            return this;
        }

        public Builder orchestratorUri(String value) {
            options.orchestratorUri(value);
            return this;
        }

        public Builder orchestratorUri(URI value) {
            options.orchestratorUri(value);
            return this;
        }

        public Builder apiKey(String value) {
            options.apiKey(value);
            return this;
        }

        public Builder httpTimeout(Duration value) {
            options.httpTimeout(value);
            return this;
        }

        public Builder openTelemetry(OpenTelemetry value) {
            options.openTelemetry(value);
            return this;
        }

        public Builder redisMode(String value) {
            options.redisMode(value);
            return this;
        }

        public Builder sentinelPassword(String value) {
            options.sentinelPassword(value);
            return this;
        }

        public Builder partitions(String agent, int count) {
            options.partitions(agent, count);
            return this;
        }

        public Builder environment(java.util.function.Function<String, String> value) {
            options.environment(value);
            return this;
        }

        public Builder waitReplicas(int replicas, Duration timeout) {
            options.waitReplicas(replicas, timeout);
            return this;
        }

        /** Validates the options (without connecting). */
        public FleetClientOptions options() {
            return options.build();
        }

        /** Validates the options and connects; see {@link FleetClient#connect(FleetClientOptions)}. */
        public FleetClient build() {
            return connect(options.build());
        }
    }
}
