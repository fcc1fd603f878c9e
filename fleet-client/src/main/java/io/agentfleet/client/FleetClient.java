package io.agentfleet.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.BackpressureException;
import io.agentfleet.messages.FleetException;
import io.agentfleet.messages.FleetScripts;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.MessageLimits;
import io.agentfleet.messages.Names;
import io.agentfleet.messages.ScriptCall;
import io.agentfleet.messages.StreamKeys;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

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

    private final FleetClientOptions options;
    private final StreamKeys keys;
    private final MessageCodec codec;
    private final RedisGateway redis;
    private final OrchestratorApi orchestrator;
    private final PublishTracing tracing;
    private final TaskValidator validator;
    private final WriteTargets targets;
    private final Enqueuer enqueuer;
    private final OutcomeReader outcomes;
    private final PriorSubmissions prior;
    private final FleetAdminClient admin;
    private final FleetWorkflowClient workflows;

    private FleetClient(FleetClientOptions options, RedisGateway redis) {
        this.options = options;
        this.keys = options.keys();
        this.codec = new MessageCodec(options.limits());
        this.redis = redis;
        this.tracing = new PublishTracing(options.openTelemetry());
        this.orchestrator = OrchestratorApi.of(options);
        this.validator = new TaskValidator(codec, options.limits());
        this.targets = new WriteTargets(options, redis);
        this.enqueuer = new Enqueuer(options, redis);
        this.outcomes = new OutcomeReader(keys, codec, redis);
        this.prior = new PriorSubmissions(keys, redis);
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
        return new FleetClient(options, RedisConnections.open(options));
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
        int partition = Names.isAgentType(agent) ? targets.choose(agent, submitOptions.keyOf(task)) : 0;
        PublishTracing.Publish publish = tracing.start(task, keys.tasks(agent, partition));
        try {
            byte[] json = validator.validate(publish.task(), "task");
            targets.register(agent);
            TaskHandle handle = enqueuer.enqueue(task, json, partition, submitOptions.due());
            publish.end(null);
            return handle;
        } catch (RuntimeException e) {
            publish.end(e);
            throw e;
        }
    }

    /**
     * Enqueues one task at most once per task id: a producer that chose the task id (for example from its own
     * request id) and submits it again finds the first submission instead of running the task twice, for 7 days
     * (the lifetime of the task's "enqueued once" marker). The returned {@link Submission} says whether this call
     * enqueued it or where the earlier one is (queued, running, completed). On a partitioned agent type the task id is
     * the partition key unless {@code submitOptions} gives one, so a repeat reaches the same partition.
     *
     * @throws IllegalArgumentException when {@code submitOptions} has a due time (scheduling skips repeats itself)
     * @throws InvalidMessageException, BackpressureException, DurabilityException, FleetConnectionException as {@link
     *     #submit(AgentMessage)}
     */
    public Submission submitOnce(AgentMessage task, SubmitOptions submitOptions) {
        Objects.requireNonNull(submitOptions, "submitOptions");
        if (submitOptions.due() != null) {
            throw new IllegalArgumentException("submitOnce enqueues at once; schedule with submit(task, options with a"
                    + " delay or runAt), which skips a task id that is scheduled or was enqueued already");
        }
        task = submitOptions.attribute(Objects.requireNonNull(task, "task"));
        String agent = task.recipient();
        String partitionKey = submitOptions.keyOf(task);
        int partition = Names.isAgentType(agent)
                ? targets.choose(agent, partitionKey != null ? partitionKey : task.taskId())
                : 0;
        PublishTracing.Publish publish = tracing.start(task, keys.tasks(agent, partition));
        try {
            byte[] json = validator.validate(publish.task(), "task");
            targets.register(agent);
            TaskHandle handle = enqueuer.enqueueOnce(task, json, partition);
            Submission submission = handle != null
                    ? new Submission(handle, Submission.Status.ENQUEUED)
                    : prior.find(agent, task.taskId(), partition, task.priority());
            publish.end(null);
            return submission;
        } catch (RuntimeException e) {
            publish.end(e);
            throw e;
        }
    }

    /** {@link #submitOnce(AgentMessage, SubmitOptions)} with default options. */
    public Submission submitOnce(AgentMessage task) {
        return submitOnce(task, SubmitOptions.DEFAULT);
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
                    ? targets.choose(task.recipient(), submitOptions.keyOf(task))
                    : 0;
        }
        List<PublishTracing.Publish> publishes =
                tracing.startAll(tasks, i -> keys.tasks(tasks.get(i).recipient(), partitions[i]));
        try {
            List<byte[]> encoded = new ArrayList<>(tasks.size());
            for (int i = 0; i < tasks.size(); i++) {
                encoded.add(validator.validate(
                        publishes.isEmpty() ? tasks.get(i) : publishes.get(i).task(), "tasks[" + i + "]"));
            }
            tasks.stream().map(AgentMessage::recipient).distinct().forEach(targets::register);
            List<TaskHandle> handles = enqueuer.enqueueAll(tasks, encoded, partitions, submitOptions.due());
            publishes.forEach(p -> p.end(null));
            return handles;
        } catch (RuntimeException e) {
            publishes.forEach(p -> p.end(e));
            throw e;
        }
    }

    /**
     * Cancels a scheduled task that is not due yet: it leaves its delayed set and never runs.
     *
     * @return true when it was still scheduled and is now cancelled; false when it was promoted already (it is on the
     *     task stream or done), cancelled before, or never scheduled
     * @throws FleetConnectionException when Redis cannot be reached
     */
    public boolean cancelScheduled(TaskHandle handle) {
        Objects.requireNonNull(handle, "handle");
        ScriptCall call = FleetScripts.unschedule(keys, handle.agent(), handle.partition(), List.of(handle.taskId()));
        Object removed = redis.call("cancelling a scheduled task", jedis -> redis.run(call));
        return removed instanceof Number n && n.longValue() > 0;
    }

    /**
     * How many partitions writers of {@code agent} use: the count configured in this process ({@link
     * FleetClientOptions#partitions()} or {@code FLEET_AGENTS_<TYPE>_PARTITIONS}), else the count registered in Redis
     * (read at most every 10 s), else 1.
     */
    public int writePartitions(String agent) {
        return targets.writePartitions(agent);
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
        return outcomes.await(handle, timeout);
    }

    /**
     * Waits for all tasks within one overall {@code timeout}, reading outstanding outcomes in one pipeline per poll.
     *
     * @return the results in the order of {@code handles}
     * @throws TaskFailedException of the first handle (in input order) whose task failed, once all have an outcome
     * @throws TaskTimeoutException naming the first task still without an outcome and how many are outstanding
     */
    public List<TaskResult> awaitAll(List<TaskHandle> handles, Duration timeout) {
        return outcomes.awaitAll(handles, timeout);
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
                + (orchestrator == null ? "" : ", orchestrator=" + OptionUris.redact(orchestrator.base()))
                + "]";
    }
}
