package io.agentfleet.orchestrator.workflow.store;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.BackpressureException;
import io.agentfleet.messages.Due;
import io.agentfleet.messages.FleetScripts;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.Priority;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.orchestrator.config.OrchestratorConfig;
import io.agentfleet.orchestrator.registry.AgentRegistry;
import io.agentfleet.orchestrator.workflow.engine.OutboxEntry;
import io.agentfleet.orchestrator.workflow.engine.RunState;
import io.agentfleet.tracing.MessageTracing;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's committed dispatches on their way to the task streams: placed on a partition before the commit, enqueued
 * after it, and kept (with the run in the pending-outbox schedule) until enqueued and replicated.
 */
public final class Outbox {
    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
    /** How long a dispatch whose enqueue did not reach enough replicas waits before it is drained (and WAITed) again. */
    public static final Duration UNREPLICATED_REDRAIN = Duration.ofSeconds(5);

    private final FleetRedis redis;
    private final AgentRegistry registry;
    private final MeterRegistry metrics;
    private final StreamKeys keys;
    private final OrchestratorKeys okeys;
    private final OrchestratorConfig config;
    private final MessageCodec codec;
    private final MessageTracing tracing;

    public Outbox(
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
        this.codec = codec;
        this.tracing = tracing;
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
    public boolean drain(String runId, Collection<OutboxEntry> entries) {
        Map<String, List<OutboxEntry>> byPartition = new LinkedHashMap<>();
        entries.forEach(e -> byPartition
                .computeIfAbsent(
                        StreamKeys.tag(e.agent(), e.partition()) + " "
                                + e.priority().wire() + "@" + e.dueAt(),
                        t -> new ArrayList<>())
                .add(e));
        BackpressureException refused = null;
        boolean allReplicated = true;
        for (List<OutboxEntry> group : byPartition.values()) {
            String agent = group.get(0).agent();
            int partition = group.get(0).partition();
            Priority priority = group.get(0).priority();
            long dueAt = group.get(0).dueAt();
            registry.noteEnqueuing(agent);
            String stream = dueAt > 0 ? keys.delayed(agent, partition) : keys.tasks(agent, partition, priority);
            List<byte[]> messages = new ArrayList<>(group.size());
            List<String> markers = new ArrayList<>(group.size());
            List<Span> spans = tracing.enabled() ? new ArrayList<>() : null;
            for (OutboxEntry e : group) {
                messages.add(spans == null ? e.message() : utf8(published(stream, e.messageText(), spans)));
                markers.add(e.wireId());
            }
            List<Object> entryIds;
            try {
                entryIds = dueAt > 0
                        ? scheduled(agent, partition, dueAt, messages, markers)
                        : redis.runSync(
                                FleetScripts.enqueue(
                                        keys,
                                        agent,
                                        partition,
                                        priority,
                                        config.workflow().maxBacklog(),
                                        messages,
                                        markers),
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
            endPublished(spans, dueAt > 0 ? null : entryIds, null);
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
     * Schedules the entries of one partition due at {@code dueAt} (SCHEDULE); like ENQUEUE's reply, one element per
     * entry: true when added now, false when its marker or its scheduled copy existed already.
     */
    private List<Object> scheduled(String agent, int partition, long dueAt, List<byte[]> messages, List<String> ids) {
        List<Object> reply = redis.runSync(
                FleetScripts.schedule(
                        keys,
                        agent,
                        partition,
                        config.workflow().maxBacklog(),
                        new Due(null, Instant.ofEpochMilli(dueAt)),
                        ids,
                        messages,
                        ids),
                ScriptOutputType.MULTI);
        List<Object> out = new ArrayList<>(ids.size());
        out.addAll(FleetScripts.Scheduled.of(reply).scheduled());
        return out;
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
        List<OutboxEntry> entries = new ArrayList<>();
        pending.forEach((wire, value) -> entries.add(OutboxEntry.decode(wire, value)));
        return drain(runId, entries);
    }

    /**
     * Cancels the tasks of a scheduled run that are still waiting for its start (UNSCHEDULE on each partition), so
     * they leave the delayed set instead of being promoted and skipped by a worker; returns how many were removed.
     */
    public long unschedule(RunState run) {
        if (run.startAt() == 0) {
            return 0;
        }
        Map<Place, List<String>> byPartition = new LinkedHashMap<>();
        run.agentsByWireId()
                .forEach((wireId, agent) -> byPartition
                        .computeIfAbsent(new Place(agent, registry.partitionOf(agent, wireId)), p -> new ArrayList<>())
                        .add(wireId));
        long removed = 0;
        for (Map.Entry<Place, List<String>> e : byPartition.entrySet()) {
            Place at = e.getKey();
            Long n = redis.runSync(
                    FleetScripts.unschedule(keys, at.agent(), at.partition(), e.getValue()), ScriptOutputType.INTEGER);
            removed += n == null ? 0 : n;
        }
        return removed;
    }

    /** A partition of an agent type, where a run placed its tasks (the same choice as {@link #place}). */
    private record Place(String agent, int partition) {}

    /** Lands before the commit that follows (see {@link Writes#landed}). */
    public void markOutboxPending(String runId, long dueAt) {
        Writes.landed(redis, List.of(redis.shared().async().zadd(okeys.outboxRuns(), (double) dueAt, runId)));
    }

    public void clearOutboxPending(String runId) {
        redis.shared().async().zrem(okeys.outboxRuns(), runId);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
