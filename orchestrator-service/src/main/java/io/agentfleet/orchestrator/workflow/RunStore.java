package io.agentfleet.orchestrator.workflow;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.BackpressureException;
import io.agentfleet.messages.FleetScripts;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.orchestrator.config.OrchestratorConfig;
import io.agentfleet.orchestrator.redis.OrchestratorScripts;
import io.agentfleet.orchestrator.redis.Redis;
import io.agentfleet.tracing.MessageTracing;
import io.lettuce.core.Range;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.StreamMessage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** Reads runs from Redis and writes transitions back, one COMMIT script each, plus the outbox and schedules. */
public final class RunStore {
    private static final int CACHED_RUNS = 5000;
    private final Redis redis;
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

    public RunStore(Redis redis, OrchestratorConfig config, MessageCodec codec, MessageTracing tracing) {
        this.redis = redis;
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

    /** The run, or null when it does not exist (never did, or expired after its retention). */
    public RunState load(String runId) {
        Map<String, String> fields = redis.sync().hgetall(keys.runState(runId));
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
        List<Object> args = new ArrayList<>();
        args.add(Long.toString(run.version));
        args.add(run.ended ? Long.toString(config.retention().toSeconds()) : "0");
        args.add(run.setCancel ? "1" : "0");
        args.add(Integer.toString(fields.size()));
        args.add(Integer.toString(run.events.size()));
        args.add(Integer.toString(run.outbox.size()));
        fields.forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        for (RunState.Event e : run.events) {
            args.add(e.type());
            args.add(JsonText.of(e.data()));
        }
        for (RunState.OutboxEntry o : run.outbox) {
            args.add(o.wireId());
            args.add(o.encoded());
        }
        String[] k = {
            keys.runState(run.runId), keys.runEvents(run.runId), okeys.outbox(run.runId), keys.runCancel(run.runId)
        };
        List<Object> result = redis.evalMulti(OrchestratorScripts.COMMIT, k, args);
        long newVersion = (Long) result.get(0);
        if (newVersion < 0) {
            forget(run.runId);
            return Optional.empty();
        }
        synchronized (recent) {
            if (run.ended) {
                recent.remove(run.runId);
            } else {
                recent.put(run.runId, new Committed(run.committedFields(newVersion), run.parsedTasks()));
            }
        }
        List<String> ids = new ArrayList<>();
        for (int i = 1; i < result.size(); i++) {
            ids.add(String.valueOf(result.get(i)));
        }
        return Optional.of(ids);
    }

    /**
     * Enqueues outbox entries on their agents' task streams (ENQUEUE, with its backpressure check), then removes them
     * from the outbox. Each entry carries its task id's "enqueued once" marker, so when a crash in between makes
     * another replica drain the same entry again, nothing is appended twice and no handler runs twice.
     *
     * @throws BackpressureException when an agent type is over its backlog bound (those entries stay in the outbox)
     */
    public void drain(String runId, Collection<RunState.OutboxEntry> entries) {
        Map<String, List<RunState.OutboxEntry>> byAgent = new LinkedHashMap<>();
        entries.forEach(
                e -> byAgent.computeIfAbsent(e.agent(), a -> new ArrayList<>()).add(e));
        BackpressureException refused = null;
        for (Map.Entry<String, List<RunState.OutboxEntry>> group : byAgent.entrySet()) {
            String agent = group.getKey();
            String stream = keys.tasks(agent);
            List<Object> args = new ArrayList<>();
            args.add(Long.toString(config.maxBacklog()));
            List<Span> spans = tracing.enabled() ? new ArrayList<>() : null;
            for (RunState.OutboxEntry e : group.getValue()) {
                args.add(spans == null ? e.message() : published(stream, e.messageText(), spans));
            }
            List<Object> entryIds;
            try {
                List<String> scriptKeys = new ArrayList<>();
                scriptKeys.add(stream);
                scriptKeys.add(keys.config(agent));
                group.getValue().forEach(e -> scriptKeys.add(keys.enqueued(agent, e.wireId())));
                entryIds = redis.evalMulti(FleetScripts.ENQUEUE, scriptKeys.toArray(String[]::new), args);
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
            // Not awaited: commands on the shared connection run in order, so this lands before any later XACK.
            redis.async()
                    .hdel(
                            okeys.outbox(runId),
                            group.getValue().stream()
                                    .map(RunState.OutboxEntry::wireId)
                                    .toArray(String[]::new));
        }
        if (refused != null) {
            throw refused;
        }
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

    /** Drains whatever the run's outbox holds (recovery after a crash between commit and enqueue). */
    public boolean drainAll(String runId) {
        Map<String, String> pending = redis.sync().hgetall(okeys.outbox(runId));
        if (pending.isEmpty()) {
            return false;
        }
        List<RunState.OutboxEntry> entries = new ArrayList<>();
        pending.forEach((wire, value) -> entries.add(RunState.OutboxEntry.decode(wire, value)));
        drain(runId, entries);
        return true;
    }

    public void schedule(Collection<RunState.Scheduled> deadlines) {
        for (RunState.Scheduled s : deadlines) {
            redis.async().zadd(okeys.deadlines(), (double) s.dueAt(), s.member());
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
        redis.async().zrem(okeys.deadlines(), members);
    }

    /**
     * The outcome a worker of {@code agent} recorded for {@code wireId} (its done key, first outcome wins), or null
     * when none was recorded, it expired, or it cannot be read.
     */
    public AgentMessage recordedOutcome(String agent, String wireId) {
        try {
            String text = redis.sync().get(keys.done(agent, wireId));
            if (text == null) {
                return null;
            }
            AgentMessage outcome = codec.decode(text);
            return wireId.equals(outcome.taskId()) ? outcome : null;
        } catch (InvalidMessageException e) {
            return null;
        }
    }

    /** Not awaited: commands on the shared connection run in order, so this lands before the commit that follows. */
    public void markOutboxPending(String runId, long dueAt) {
        redis.async().zadd(okeys.outboxRuns(), (double) dueAt, runId);
    }

    public void clearOutboxPending(String runId) {
        redis.async().zrem(okeys.outboxRuns(), runId);
    }

    public void addUsage(Collection<RunState.Usage> usage) {
        var async = redis.async();
        for (RunState.Usage u : usage) {
            for (String owner : new String[] {"key|" + u.apiKey(), "agent|" + u.agent()}) {
                async.hincrby(okeys.usage(), owner + "|tokensIn", u.tokensIn());
                async.hincrby(okeys.usage(), owner + "|tokensOut", u.tokensOut());
                async.hincrbyfloat(okeys.usage(), owner + "|cost", u.cost());
            }
        }
    }

    public Map<String, String> usage() {
        return redis.sync().hgetall(okeys.usage());
    }

    /** Records agent types in use (once per type and process; replicas read the set to start their consumers). */
    public void noteAgents(Collection<String> agents) {
        String[] fresh = agents.stream().filter(noted::add).toArray(String[]::new);
        if (fresh.length > 0) {
            redis.async().sadd(okeys.agents(), fresh);
        }
    }

    public List<String> knownAgents() {
        return List.copyOf(redis.sync().smembers(okeys.agents()));
    }

    /** Events after {@code afterId} (exclusive; null = from the start), at most {@code count}. */
    public List<StreamMessage<String, String>> events(String runId, String afterId, int count) {
        Range<String> range = Range.create(afterId == null ? "-" : "(" + afterId, "+");
        return redis.sync().xrange(keys.runEvents(runId), range, io.lettuce.core.Limit.from(count));
    }
}
