package io.agentfleet.orchestrator.workflow.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.RunEventData;
import io.agentfleet.messages.ScriptCall;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.orchestrator.config.OrchestratorConfig;
import io.agentfleet.orchestrator.redis.OrchestratorScripts;
import io.agentfleet.orchestrator.registry.AgentRegistry;
import io.agentfleet.orchestrator.workflow.engine.JsonText;
import io.agentfleet.orchestrator.workflow.engine.OutboxEntry;
import io.agentfleet.orchestrator.workflow.engine.ParsedTask;
import io.agentfleet.orchestrator.workflow.engine.RunState;
import io.agentfleet.orchestrator.workflow.engine.ScheduleEntry;
import io.agentfleet.orchestrator.workflow.schedule.DeadlineMember;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads runs from Redis and writes transitions back, one COMMIT script each, plus the run's schedule members. */
public final class RunStore {
    private static final Logger LOG = LoggerFactory.getLogger(RunStore.class);
    private static final int CACHED_RUNS = 5000;

    private final FleetRedis redis;
    private final AgentRegistry registry;
    private final MeterRegistry metrics;
    private final StreamKeys keys;
    private final OrchestratorKeys okeys;
    private final OrchestratorConfig config;
    private final ObjectMapper mapper;
    private final MessageCodec codec;
    /** Fields (and parsed task records) of runs this process committed last, most recent last (LRU). */
    private final Map<String, Committed> recent = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Committed> eldest) {
            return size() > CACHED_RUNS;
        }
    };

    private record Committed(Map<String, String> fields, Map<String, ParsedTask> tasks) {}

    public RunStore(
            FleetRedis redis,
            AgentRegistry registry,
            MeterRegistry metrics,
            OrchestratorConfig config,
            MessageCodec codec) {
        this.redis = redis;
        this.registry = registry;
        this.metrics = metrics;
        this.keys = config.keys();
        this.okeys = new OrchestratorKeys(config.keys());
        this.config = config;
        this.mapper = codec.mapper();
        this.codec = codec;
    }

    public OrchestratorKeys keys() {
        return okeys;
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
        args.add(utf8(run.ended() ? Long.toString(config.workflow().retention().toSeconds()) : "0"));
        args.add(utf8(run.setCancel() ? "1" : "0"));
        args.add(utf8(Integer.toString(fields.size())));
        args.add(utf8(Integer.toString(run.events().size())));
        args.add(utf8(Integer.toString(run.outbox().size())));
        fields.forEach((k, v) -> {
            args.add(utf8(k));
            args.add(utf8(v));
        });
        for (RunEventData e : run.events()) {
            args.add(utf8(e.type().name()));
            args.add(utf8(JsonText.of(e.toJson())));
        }
        for (OutboxEntry o : run.outbox()) {
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

    /** Adds schedule members; they have landed when this returns, so the commit that follows cannot outrun them. */
    public void schedule(Collection<ScheduleEntry> deadlines) {
        List<RedisFuture<Long>> added = new ArrayList<>(deadlines.size());
        for (ScheduleEntry s : deadlines) {
            added.add(redis.shared().async().zadd(okeys.deadlines(), (double) s.dueAt(), s.member()));
        }
        Writes.landed(redis, added);
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

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
