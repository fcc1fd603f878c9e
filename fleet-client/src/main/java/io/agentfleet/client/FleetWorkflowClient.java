package io.agentfleet.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.FleetException;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.RunEventType;
import io.agentfleet.messages.RunStatus;
import io.agentfleet.messages.StreamKeys;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The workflow user's client: submits runs through the orchestrator's API and follows them (status polled from Redis,
 * the result read once from the orchestrator). Thread-safe. Open one with {@link #connect(FleetClientOptions)} (needs
 * {@link FleetClientOptions#orchestratorUri()}), or use {@link FleetClient#workflows()} to share a producer's
 * connections.
 */
public final class FleetWorkflowClient implements AutoCloseable {
    private final FleetClientOptions options;
    private final StreamKeys keys;
    private final RedisGateway redis;
    private final OrchestratorApi orchestrator;
    private final boolean owns;

    FleetWorkflowClient(FleetClientOptions options, RedisGateway redis, OrchestratorApi orchestrator, boolean owns) {
        this.options = options;
        this.keys = options.keys();
        this.redis = redis;
        this.orchestrator = orchestrator;
        this.owns = owns;
    }

    /** Connects with the given options; the Redis connection is checked with a PING. */
    public static FleetWorkflowClient connect(FleetClientOptions options) {
        Objects.requireNonNull(options, "options");
        return new FleetWorkflowClient(options, RedisConnections.open(options), OrchestratorApi.of(options), true);
    }

    public FleetClientOptions options() {
        return options;
    }

    /**
     * Submits a workflow run through the orchestrator ({@code POST /v1/workflows}), which validates it, records the run
     * and dispatches its first tasks. Needs {@link FleetClientOptions#orchestratorUri()}.
     *
     * @return the accepted run; follow it with {@link #awaitRun(RunHandle, Duration)}
     * @throws InvalidMessageException the orchestrator refused the workflow (400, 413): field and reason from its answer,
     *     for example {@code tasks[0].dependsOn: dependency cycle: a -> b -> a}
     * @throws FleetAuthException the API key is missing (401) or unknown (403)
     * @throws RateLimitedException the key is over its request rate or its daily budget, or an agent type's backlog is
     *     full (429)
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
        long deadline = Polling.deadlineOf(timeout);
        String stateKey = keys.runState(handle.runId());
        Duration pause = Polling.FIRST_POLL;
        while (true) {
            String status =
                    redis.call("reading the status of run " + handle.runId(), jedis -> jedis.hget(stateKey, "status"));
            // No state at all: unknown or expired; the orchestrator's answer (404) says which run.
            if (status == null || RunStatus.isTerminal(status)) {
                break;
            }
            pause = Polling.pauseBefore(
                    deadline, pause, () -> new RunTimeoutException(handle.runId(), timeout, status));
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
        String id = Replies.requireEntryId(afterEntryId);
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

    /** Releases the connection pool and the HTTP client when this client opened them; a view of a {@link FleetClient} leaves them open. */
    @Override
    public void close() {
        if (owns) {
            redis.close();
            if (orchestrator != null) {
                orchestrator.shutdown();
            }
        }
    }
}
