package io.agentfleet.orchestrator.workflow.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.BackpressureException;
import io.agentfleet.messages.FleetScripts;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.RunStatus;
import io.agentfleet.messages.ScriptCall;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.orchestrator.config.OrchestratorConfig;
import io.agentfleet.orchestrator.redis.OrchestratorScripts;
import io.agentfleet.orchestrator.registry.AgentRegistry;
import io.agentfleet.orchestrator.workflow.engine.JsonText;
import io.agentfleet.orchestrator.workflow.engine.RunState;
import io.agentfleet.orchestrator.workflow.schedule.DeadlineMember;
import io.agentfleet.tracing.MessageTracing;
import io.lettuce.core.Range;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads runs from Redis and writes transitions back, one COMMIT script each, plus the outbox and schedules. */
public final class RunStore {
    private static final Logger LOG = LoggerFactory.getLogger(RunStore.class);
    private static final int CACHED_RUNS = 5000;
    /** How long a dispatch whose enqueue did not reach enough replicas waits before it is drained (and WAITed) again. */
    public static final Duration UNREPLICATED_REDRAIN = Duration.ofSeconds(5);

    private final FleetRedis redis;
    private final AgentRegistry registry;
    private final MeterRegistry metrics;
    private final StreamKeys keys;
    private final OrchestratorKeys okeys;
    private final OrchestratorConfig config;
    private final ObjectMapper mapper;
    private final MessageCodec codec;
    private final MessageTracing tracing;
    /** Fields (and parsed task records) of runs this process committed last, most recent last (LRU). */
    private final Map<String, Committed> recent = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Committed> eldest) {
            return size() > CACHED_RUNS;
        }
    };

    private final java.util.Set<String> noted = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private record Committed(Map<String, String> fields, Map<String, RunState.ParsedTask> tasks) {}

    public RunStore(
            FleetRedis redis,
            AgentRegistry registry,
            MeterRegistry metrics,
            OrchestratorConfig config,
            MessageCodec codec,
            MessageTracing tracing) {
        this.redis = redis;
        this.registry = registry;
        this.metrics = metrics;
        this.keys = config.keys();
        this.okeys = new OrchestratorKeys(config.keys());
        this.config = config;
        this.mapper = codec.mapper();
        this.codec = codec;
        this.tracing = tracing;
    }

    public OrchestratorKeys keys() {
        return okeys;
    }

    public AgentRegistry registry() {
        return registry;
    }

    /** The run, or null when it does not exist (never did, or expired after its retention). */
    public RunState load(String runId) {
        Map<String, String> fields = redis.shared().sync().hgetall(keys.runState(runId));
        Committed known;
        synchronized (recent) {
            known = recent.get(runId);
        }
        // Records whose stored text did not change since this process committed them need not be parsed again.
        return RunState.load(runId, fields, mapper, known == null ? null : known.tasks());
    }

    /**
     * The run as this process last committed it, or null. A cached copy may be stale (another replica changed the
     * run): callers commit against its version, so a stale copy fails the commit, and they must re-read before
     * concluding that nothing changes. The cache only saves the read when this process drives the run.
     */
    public RunState cached(String runId) {
        Committed cached;
        synchronized (recent) {
            cached = recent.get(runId);
        }
        return cached == null ? null : RunState.load(runId, cached.fields(), mapper, cached.tasks());
    }

    public void forget(String runId) {
        synchronized (recent) {
            recent.remove(runId);
        }
    }

    /** Commits the transition; returns the new events' stream ids, or empty when the run changed meanwhile. */
    public Optional<List<String>> commit(RunState run) {
        Map<String, String> fields = run.dirtyFields();
        // Arguments are encoded to UTF-8 here, on the caller's thread, so the event loop only copies bytes.
        List<byte[]> args = new ArrayList<>();
        args.add(utf8(Long.toString(run.version())));
        args.add(utf8(run.ended() ? Long.toString(config.retention().toSeconds()) : "0"));
        args.add(utf8(run.setCancel() ? "1" : "0"));
        args.add(utf8(Integer.toString(fields.size())));
        args.add(utf8(Integer.toString(run.events().size())));
        args.add(utf8(Integer.toString(run.outbox().size())));
        fields.forEach((k, v) -> {
            args.add(utf8(k));
            args.add(utf8(v));
        });
        for (RunState.Event e : run.events()) {
            args.add(utf8(e.type().name()));
            args.add(utf8(JsonText.of(e.data())));
        }
        for (RunState.OutboxEntry o : run.outbox()) {
            args.add(utf8(o.wireId()));
            args.add(o.encoded());
        }
        List<String> k = List.of(
                keys.runState(run.runId()),
                keys.runEvents(run.runId()),
                okeys.outbox(run.runId()),
                keys.runCancel(run.runId()));
        List<Object> result =
                redis.runSync(new ScriptCall(OrchestratorScripts.COMMIT, k, args), ScriptOutputType.MULTI);
        long newVersion = (Long) result.get(0);
        if (newVersion < 0) {
            forget(run.runId());
            return Optional.empty();
        }
        confirmReplicated(run.runId());
        synchronized (recent) {
            if (run.ended()) {
                recent.remove(run.runId());
            } else {
                recent.put(run.runId(), new Committed(run.committedFields(newVersion), run.parsedTasks()));
            }
        }
        List<String> ids = new ArrayList<>();
        for (int i = 1; i < result.size(); i++) {
            ids.add(String.valueOf(result.get(i)));
        }
        return Optional.of(ids);
    }

    /**
     * Chooses the partition of each dispatch of the transition, before it is committed: {@code partitionFor(wire task
     * id, n)}, n being the agent type's partition count for writers. The outbox keeps the choice, so a re-drain after a
     * crash enqueues to the same partition and meets the same "enqueued once" marker.
     */
    public void place(RunState run) {
        run.outbox().replaceAll(o -> o.inPartition(registry.partitionOf(o.agent(), o.wireId())));
    }

    /**
     * Enqueues outbox entries on their partitions' task streams (ENQUEUE, with its backpressure check), waits for
     * replicas when {@code FLEET_REDIS_WAIT_REPLICAS} is set, then removes them from the outbox. Each entry carries its
     * task id's "enqueued once" marker, so when a crash in between makes another replica drain the same entry again,
     * nothing is appended twice and no handler runs twice.
     *
     * <p>An enqueue that fewer replicas than asked acknowledged stays in the outbox (counted in {@code
     * fleet_orchestrator_enqueues_unreplicated_total}) and the caller schedules one re-drain: if the primary died
     * before replicating, the new primary lacks the task and its marker, and the re-drain enqueues it again (and WAITs
     * again); if the task is there, its marker makes the re-drain add nothing and the entry leaves the outbox then, so
     * a replica that stays down costs one extra drain per dispatch, not a re-drain loop.
     *
     * @return true when every entry was enqueued (and replicated, when asked) and left the outbox; false when some
     *     wait for a re-drain because their replication was not confirmed
     * @throws BackpressureException when an agent type is over its backlog bound (those entries stay in the outbox)
     */
    public boolean drain(String runId, Collection<RunState.OutboxEntry> entries) {
        Map<String, List<RunState.OutboxEntry>> byPartition = new LinkedHashMap<>();
        entries.forEach(e -> byPartition
                .computeIfAbsent(StreamKeys.tag(e.agent(), e.partition()), t -> new ArrayList<>())
                .add(e));
        BackpressureException refused = null;
        boolean allReplicated = true;
        for (List<RunState.OutboxEntry> group : byPartition.values()) {
            String agent = group.get(0).agent();
            int partition = group.get(0).partition();
            registry.noteEnqueuing(agent);
            String stream = keys.tasks(agent, partition);
            List<byte[]> messages = new ArrayList<>(group.size());
            List<String> markers = new ArrayList<>(group.size());
            List<Span> spans = tracing.enabled() ? new ArrayList<>() : null;
            for (RunState.OutboxEntry e : group) {
                messages.add(spans == null ? e.message() : utf8(published(stream, e.messageText(), spans)));
                markers.add(e.wireId());
            }
            List<Object> entryIds;
            try {
                entryIds = redis.runSync(
                        FleetScripts.enqueue(keys, agent, partition, config.maxBacklog(), messages, markers),
                        ScriptOutputType.MULTI);
            } catch (RedisCommandExecutionException e) {
                BackpressureException bp = FleetScripts.backpressureFrom(e.getMessage(), keys, agent);
                endPublished(spans, null, bp == null ? e : bp);
                if (bp == null) {
                    throw e;
                }
                refused = bp;
                continue;
            } catch (RuntimeException e) {
                endPublished(spans, null, e);
                throw e;
            }
            endPublished(spans, entryIds, null);
            // An entry whose marker existed (false) is on this primary already: done, whatever WAIT says. An entry
            // appended now leaves the outbox only once replicated (or when WAIT is off).
            List<String> done = new ArrayList<>(group.size());
            List<String> appended = new ArrayList<>(group.size());
            for (int i = 0; i < group.size(); i++) {
                Object id = i < entryIds.size() ? entryIds.get(i) : null;
                boolean skipped = id == null || Boolean.FALSE.equals(id);
                (skipped ? done : appended).add(group.get(i).wireId());
            }
            if (appended.isEmpty() || replicated(stream, agent, appended.size())) {
                done.addAll(appended);
            } else {
                allReplicated = false;
            }
            if (!done.isEmpty()) {
                // Not awaited: a crash before it lands only makes another replica drain the entries again, which the
                // markers turn into no-ops.
                redis.shared().async().hdel(okeys.outbox(runId), done.toArray(String[]::new));
            }
        }
        if (refused != null) {
            throw refused;
        }
        return allReplicated;
    }

    /**
     * With the durability setting, a committed transition (a submit's new run included) is confirmed by WAIT on the
     * run's node before the caller goes on. It cannot be undone if too few replicas confirm: the transition is counted
     * ({@code fleet_orchestrator_commits_unreplicated_total}) and logged, as it may be lost if that primary dies now.
     */
    private void confirmReplicated(String runId) {
        int wanted = redis.waitReplicas();
        if (wanted == 0) {
            return;
        }
        String state = keys.runState(runId);
        long acked;
        try {
            acked = FleetRedis.await(
                    redis.awaitReplicas(state),
                    redis.options().waitTimeout().plus(redis.options().commandTimeout()));
        } catch (RuntimeException e) {
            acked = -1;
        }
        if (acked < wanted) {
            LOG.warn(
                    "run {}: a transition reached {} of {} replicas within {}",
                    runId,
                    Math.max(acked, 0),
                    wanted,
                    redis.options().waitTimeout());
            metrics.counter("fleet.orchestrator.commits.unreplicated").increment();
        }
    }

    /** WAIT for the configured replicas after an enqueue to {@code stream}; true when off or enough acknowledged. */
    private boolean replicated(String stream, String agent, int tasks) {
        int wanted = redis.waitReplicas();
        if (wanted == 0) {
            return true;
        }
        long acked;
        try {
            acked = FleetRedis.await(
                    redis.awaitReplicas(stream),
                    redis.options().waitTimeout().plus(redis.options().commandTimeout()));
        } catch (RuntimeException e) {
            LOG.warn("WAIT after enqueueing {} task(s) to {} failed: {}", tasks, stream, e.toString());
            acked = -1;
        }
        if (acked >= wanted) {
            return true;
        }
        LOG.warn(
                "{} task(s) enqueued to {} reached {} of {} replicas within {}; kept in the outbox for a re-drain",
                tasks,
                stream,
                Math.max(acked, 0),
                wanted,
                redis.options().waitTimeout());
        metrics.counter("fleet.orchestrator.enqueues.unreplicated", "agent", agent)
                .increment(tasks);
        return false;
    }

    /**
     * The message as published: its {@code trace} becomes the context of a new PRODUCER span (a child of the run's
     * span the committed message carries), so the worker's processing span is a child of this publish.
     */
    private String published(String stream, String message, List<Span> spans) {
        AgentMessage decoded;
        try {
            decoded = codec.decode(message);
        } catch (InvalidMessageException e) {
            spans.add(Span.getInvalid());
            return message;
        }
        Span span = tracing.startPublish(tracing.extract(decoded), stream, decoded);
        spans.add(span);
        return codec.encode(decoded.toBuilder()
                .trace(tracing.inject(Context.root().with(span)))
                .build());
    }

    private static void endPublished(List<Span> spans, List<Object> entryIds, RuntimeException failure) {
        if (spans == null) {
            return;
        }
        for (int i = 0; i < spans.size(); i++) {
            Span span = spans.get(i);
            if (failure != null) {
                span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
            } else if (entryIds != null && i < entryIds.size()) {
                span.setAttribute(MessageTracing.MESSAGE_ID, String.valueOf(entryIds.get(i)));
            }
            span.end();
        }
    }

    /**
     * Drains whatever the run's outbox holds (recovery after a crash between commit and enqueue).
     *
     * @return null when the outbox was empty, else what {@link #drain} returned
     */
    public Boolean drainAll(String runId) {
        Map<String, String> pending = redis.shared().sync().hgetall(okeys.outbox(runId));
        if (pending.isEmpty()) {
            return null;
        }
        List<RunState.OutboxEntry> entries = new ArrayList<>();
        pending.forEach((wire, value) -> entries.add(RunState.OutboxEntry.decode(wire, value)));
        return drain(runId, entries);
    }

    /** Adds schedule members; they have landed when this returns, so the commit that follows cannot outrun them. */
    public void schedule(Collection<RunState.Scheduled> deadlines) {
        List<RedisFuture<Long>> added = new ArrayList<>(deadlines.size());
        for (RunState.Scheduled s : deadlines) {
            added.add(redis.shared().async().zadd(okeys.deadlines(), (double) s.dueAt(), s.member()));
        }
        landed(added);
    }

    /**
     * On one node, commands of the shared connection run in the order sent, so a write that must precede a commit
     * need not be awaited. On a cluster the schedule and the run live on different nodes, with no order between them:
     * wait for the write, so a crash cannot leave a committed run whose schedule member never arrived.
     */
    private void landed(List<? extends RedisFuture<?>> writes) {
        if (!redis.isCluster()) {
            return;
        }
        for (RedisFuture<?> write : writes) {
            FleetRedis.await(write, redis.options().commandTimeout());
        }
    }

    /**
     * Removes the timeout and reconcile members of tasks no longer awaited. Not awaited: a member left behind (this
     * replica died first) is only looked at once more and dropped, as it finds the task settled.
     */
    public void unschedule(String runId, Collection<String> wireIds) {
        if (wireIds.isEmpty()) {
            return;
        }
        String[] members = wireIds.stream()
                .flatMap(w -> Stream.of(DeadlineMember.forTask(runId, w), DeadlineMember.forReconcile(runId, w)))
                .toArray(String[]::new);
        redis.shared().async().zrem(okeys.deadlines(), members);
    }

    /**
     * The outcome a worker of {@code agent} recorded for {@code wireId} (its done key, first outcome wins), or null
     * when none was recorded, it expired, or it cannot be read. The done key is in the partition the task was
     * enqueued to: the one dispatch computes now is looked at first, then every other partition, because the count
     * may have changed since the dispatch (the outbox entry that named the partition is gone once enqueued).
     */
    public AgentMessage recordedOutcome(String agent, String wireId) {
        int likely = registry.partitionOf(agent, wireId);
        AgentMessage found = recordedOutcome(agent, likely, wireId);
        int partitions = registry.forReading(agent);
        for (int p = 0; found == null && p < partitions; p++) {
            if (p != likely) {
                found = recordedOutcome(agent, p, wireId);
            }
        }
        return found;
    }

    private AgentMessage recordedOutcome(String agent, int partition, String wireId) {
        try {
            String text = redis.shared().sync().get(keys.done(agent, partition, wireId));
            if (text == null) {
                return null;
            }
            AgentMessage outcome = codec.decode(text);
            return wireId.equals(outcome.taskId()) ? outcome : null;
        } catch (InvalidMessageException e) {
            return null;
        }
    }

    /** Lands before the commit that follows (see {@link #landed}). */
    public void markOutboxPending(String runId, long dueAt) {
        landed(List.of(redis.shared().async().zadd(okeys.outboxRuns(), (double) dueAt, runId)));
    }

    public void clearOutboxPending(String runId) {
        redis.shared().async().zrem(okeys.outboxRuns(), runId);
    }

    public void addUsage(Collection<RunState.Usage> usage) {
        var async = redis.shared().async();
        for (RunState.Usage u : usage) {
            for (String owner : new String[] {
                "key|" + u.apiKey(),
                "agent|" + u.agent(),
                "tenant|" + u.tenant(),
                "tk|" + u.tenant() + "|" + u.apiKey(),
                "ta|" + u.tenant() + "|" + u.agent()
            }) {
                async.hincrby(okeys.usage(), owner + "|tokensIn", u.tokensIn());
                async.hincrby(okeys.usage(), owner + "|tokensOut", u.tokensOut());
                async.hincrbyfloat(okeys.usage(), owner + "|cost", u.cost());
            }
        }
    }

    /**
     * Admits a new (not yet committed) run into its tenant's runs in flight. Returns 0 when admitted or the tenant has
     * no limit, else the limit it is at. At the limit, the tenant's set is first pruned of runs that ended or never
     * got created (left by a replica that crashed before removing them), so the count cannot leak.
     */
    public int admit(RunState run) {
        int limit = config.limitsOf(run.tenant()).maxRunsInFlight();
        if (limit == 0) {
            return 0;
        }
        String set = okeys.tenantRuns(run.tenant());
        for (int attempt = 0; attempt < 2; attempt++) {
            Long admitted = redis.runSync(
                    OrchestratorScripts.call(OrchestratorScripts.ADMIT_RUN, set, run.runId(), Integer.toString(limit)),
                    ScriptOutputType.INTEGER);
            if (admitted != null && admitted == 1) {
                return 0;
            }
            if (attempt == 0 && prune(set) == 0) {
                break;
            }
        }
        return limit;
    }

    private long prune(String set) {
        var sync = redis.shared().sync();
        List<String> gone = new ArrayList<>();
        for (String runId : sync.smembers(set)) {
            String status = sync.hget(keys.runState(runId), RunState.F_STATUS);
            if (status == null || RunStatus.valueOf(status).isTerminal()) {
                gone.add(runId);
            }
        }
        return gone.isEmpty() ? 0 : sync.srem(set, gone.toArray(String[]::new));
    }

    /** Removes an ended (or never created) run from its tenant's runs in flight. */
    public void release(RunState run) {
        if (config.limitsOf(run.tenant()).maxRunsInFlight() > 0) {
            redis.shared().sync().srem(okeys.tenantRuns(run.tenant()), run.runId());
        }
    }

    public Map<String, String> usage() {
        return redis.shared().sync().hgetall(okeys.usage());
    }

    /** Records agent types in use (once per type and process; replicas read the set to start their consumers). */
    public void noteAgents(Collection<String> agents) {
        String[] fresh = agents.stream().filter(noted::add).toArray(String[]::new);
        if (fresh.length > 0) {
            redis.shared().async().sadd(okeys.agents(), fresh);
        }
    }

    public List<String> knownAgents() {
        return List.copyOf(redis.shared().sync().smembers(okeys.agents()));
    }

    /** Events after {@code afterId} (exclusive; null = from the start), at most {@code count}. */
    public List<StreamMessage<String, String>> events(String runId, String afterId, int count) {
        Range<String> range = Range.create(afterId == null ? "-" : "(" + afterId, "+");
        return redis.shared().sync().xrange(keys.runEvents(runId), range, io.lettuce.core.Limit.from(count));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
