package io.agentfleet.lettuce.hygiene;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.lettuce.RedisErrors;
import io.agentfleet.messages.FleetScripts;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Removes ghost consumers from consumer groups: those with no pending entries that have been idle at least the
 * threshold (a worker or orchestrator killed with {@code kill -9}, or a pod whose name will never come back). It
 * never removes a consumer with pending entries: those are left to the reclaim path (XAUTOCLAIM by a live consumer
 * after claim-after), and the consumer goes in a later pass once its list is empty. The decision is re-checked and
 * the consumer removed in one Lua script on the stream's key ({@link FleetScripts#reapConsumer}), so any number of
 * replicas may reap the same group at once, also on Redis Cluster: a consumer that reads or claims in between is kept,
 * and a consumer already removed by another replica is simply not found.
 */
public final class ConsumerReaper {
    private static final long TIMEOUT_SECONDS = 10;

    private final FleetRedis redis;
    private final Duration idleThreshold;

    public ConsumerReaper(FleetRedis redis, Duration idleThreshold) {
        this.redis = Objects.requireNonNull(redis, "redis");
        Objects.requireNonNull(idleThreshold, "idleThreshold");
        if (idleThreshold.isNegative() || idleThreshold.isZero()) {
            throw new IllegalArgumentException("idleThreshold must be > 0, but was " + idleThreshold);
        }
        this.idleThreshold = idleThreshold;
    }

    public Duration idleThreshold() {
        return idleThreshold;
    }

    /** One pass over one group: reaps its ghosts and counts what is left. */
    public GroupCensus reap(ConsumerGroup group) throws InterruptedException, ExecutionException {
        List<Consumer> consumers = consumers(group);
        if (consumers == null) {
            return GroupCensus.empty(group);
        }
        int reaped = 0;
        int waiting = 0;
        int live = 0;
        for (Consumer c : consumers) {
            if (c.idleMillis() < idleThreshold.toMillis()) {
                live++;
            } else if (c.pending() != 0) {
                waiting++;
            } else if (removed(group, c.name())) {
                reaped++;
            }
        }
        return new GroupCensus(group, consumers.size() - reaped, live, reaped, waiting);
    }

    private boolean removed(ConsumerGroup group, String consumer) throws InterruptedException, ExecutionException {
        Long result = awaitReply(redis.<Long>run(
                FleetScripts.reapConsumer(group.stream(), group.group(), consumer, idleThreshold),
                ScriptOutputType.INTEGER));
        return result != null && result == 1L;
    }

    /** One consumer as XINFO CONSUMERS reports it. */
    record Consumer(String name, long pending, long idleMillis) {}

    /** The group's consumers, or null when the stream or the group does not exist. */
    private List<Consumer> consumers(ConsumerGroup group) throws InterruptedException, ExecutionException {
        List<Object> reply;
        try {
            reply = awaitReply(redis.shared().async().xinfoConsumers(group.stream(), group.group()));
        } catch (ExecutionException e) {
            if (isMissing(e.getCause())) {
                return null;
            }
            throw e;
        }
        List<Consumer> out = new ArrayList<>(reply.size());
        for (Object entry : reply) {
            Map<String, Object> fields = fields(entry);
            out.add(new Consumer(
                    String.valueOf(fields.get("name")), number(fields.get("pending")), number(fields.get("idle"))));
        }
        return out;
    }

    private static boolean isMissing(Throwable error) {
        return RedisErrors.isNoGroup(error) || RedisErrors.messageOf(error).contains("no such key");
    }

    /** XINFO fields come as a flat list under RESP2 and as a map under RESP3. */
    private static Map<String, Object> fields(Object entry) {
        Map<String, Object> fields = new LinkedHashMap<>();
        if (entry instanceof Map<?, ?> map) {
            map.forEach((k, v) -> fields.put(String.valueOf(k), v));
        } else if (entry instanceof List<?> list) {
            for (int i = 0; i + 1 < list.size(); i += 2) {
                fields.put(String.valueOf(list.get(i)), list.get(i + 1));
            }
        }
        return fields;
    }

    /** A missing or unreadable number reads -1: as idle it counts live, as pending it counts held, never removed. */
    private static long number(Object value) {
        if (value instanceof Number n) {
            return n.longValue();
        }
        try {
            return Long.parseLong(String.valueOf(value));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static <T> T awaitReply(CompletionStage<T> reply) throws InterruptedException, ExecutionException {
        try {
            return reply.toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new ExecutionException("no reply from Redis within " + TIMEOUT_SECONDS + " s", e);
        }
    }
}
