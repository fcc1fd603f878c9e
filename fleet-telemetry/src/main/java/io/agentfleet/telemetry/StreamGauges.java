package io.agentfleet.telemetry;

import io.agentfleet.messages.Priority;
import io.agentfleet.messages.StreamKeys;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Samples the Redis side of each agent type into gauges, exported at {@code /prometheus} as
 * {@code fleet_stream_length{agent}} (XLEN of the task streams, summed over the priority levels: tasks not yet
 * completed), {@code fleet_stream_lag{agent}} (entries not yet delivered to the {@code workers} groups, from XINFO
 * GROUPS, over every level; NaN when Redis cannot tell, e.g. Redis before 7 or a nil lag),
 * {@code fleet_stream_pending{agent}} (delivered, not acknowledged: the group's PEL count, the
 * same number as the XPENDING summary), {@code fleet_delayed{agent}} (retries waiting: ZCARD of the delayed set less its
 * scheduled tasks), {@code fleet_scheduled{agent}} (tasks accepted with a delay or start time, not due yet: HLEN of the
 * scheduled index) and
 * {@code fleet_dead_letters_stored{agent}} (XLEN of the dead-letter stream). A gauge is NaN until sampled and after a
 * failed sample, never a made-up 0. Every gauge is tagged with {@code agent} and {@code partition} (0 for an
 * unpartitioned type): a type's total is {@code sum by (agent)}. Every replica reports the gauges of its agent types;
 * aggregate replicas with max by (agent, partition) first.
 */
public final class StreamGauges {
    private static final long TIMEOUT_SECONDS = 5;

    private final MeterRegistry registry;
    private final StreamKeys keys;
    private final Supplier<? extends RedisClusterAsyncCommands<String, String>> redis;
    private final Map<String, Sample> samples = new ConcurrentHashMap<>();

    public StreamGauges(
            MeterRegistry registry,
            StreamKeys keys,
            Supplier<? extends RedisClusterAsyncCommands<String, String>> redis) {
        this.registry = registry;
        this.keys = keys;
        this.redis = redis;
    }

    /** The latest values of one agent type; NaN means unknown. */
    public static final class Sample {
        volatile double length = Double.NaN;
        volatile double lag = Double.NaN;
        volatile double pending = Double.NaN;
        volatile double delayed = Double.NaN;
        volatile double scheduled = Double.NaN;
        volatile double dead = Double.NaN;

        public double length() {
            return length;
        }

        public double lag() {
            return lag;
        }

        public double pending() {
            return pending;
        }

        public double delayed() {
            return delayed;
        }

        public double scheduled() {
            return scheduled;
        }

        public double dead() {
            return dead;
        }

        void unknown() {
            length = Double.NaN;
            lag = Double.NaN;
            pending = Double.NaN;
            delayed = Double.NaN;
            scheduled = Double.NaN;
            dead = Double.NaN;
        }
    }

    /** The gauges of {@code agent}'s partition 0, registered on first use. */
    public Sample of(String agent) {
        return of(agent, 0);
    }

    /** The gauges of one partition of {@code agent}, registered on first use. */
    public Sample of(String agent, int partition) {
        return samples.computeIfAbsent(StreamKeys.tag(agent, partition), t -> register(agent, partition));
    }

    private Sample register(String agent, int partition) {
        Sample s = new Sample();
        String p = Integer.toString(partition);
        Gauge.builder("fleet.stream.length", s, Sample::length)
                .description("Entries in the agent type's task stream: tasks enqueued and not yet completed (XLEN)")
                .tag("agent", agent)
                .tag("partition", p)
                .register(registry);
        Gauge.builder("fleet.stream.lag", s, Sample::lag)
                .description("Entries not yet delivered to any worker (XINFO GROUPS lag); NaN when Redis cannot tell")
                .tag("agent", agent)
                .tag("partition", p)
                .register(registry);
        Gauge.builder("fleet.stream.pending", s, Sample::pending)
                .description("Entries delivered to a worker and not yet acknowledged (pending entries list)")
                .tag("agent", agent)
                .tag("partition", p)
                .register(registry);
        Gauge.builder("fleet.delayed", s, Sample::delayed)
                .description("Retries waiting for their backoff to pass (the delayed set less its scheduled tasks)")
                .tag("agent", agent)
                .tag("partition", p)
                .register(registry);
        Gauge.builder("fleet.scheduled", s, Sample::scheduled)
                .description("Tasks accepted with a delay or a start time that are not due yet")
                .tag("agent", agent)
                .tag("partition", p)
                .register(registry);
        Gauge.builder("fleet.dead.letters.stored", s, Sample::dead)
                .description(
                        "Dead letters kept in the agent type's dead-letter stream (XLEN), awaiting redrive or purge")
                .tag("agent", agent)
                .tag("partition", p)
                .register(registry);
        return s;
    }

    /**
     * Samples every agent type with one pipelined round of commands. An agent type whose sample fails reads NaN
     * until the next good sample; the first failure is rethrown after all were tried.
     */
    public void sample(Collection<String> agents) throws InterruptedException {
        Map<String, Integer> partitions = new LinkedHashMap<>();
        agents.forEach(a -> partitions.put(a, 1));
        sample(partitions);
    }

    /** As {@link #sample(Collection)} for each partition {@code 0..n-1} of each agent type (agent type → n). */
    public void sample(Map<String, Integer> partitionsByAgent) throws InterruptedException {
        RedisClusterAsyncCommands<String, String> commands = redis.get();
        List<Pending> started = new ArrayList<>(partitionsByAgent.size());
        partitionsByAgent.forEach((agent, partitions) -> {
            for (int p = 0; p < partitions; p++) {
                List<RedisFuture<Long>> lengths = new ArrayList<>();
                List<RedisFuture<List<Object>>> groups = new ArrayList<>();
                for (Priority level : Priority.values()) {
                    String tasks = keys.tasks(agent, p, level);
                    lengths.add(commands.xlen(tasks));
                    groups.add(commands.xinfoGroups(tasks));
                }
                started.add(new Pending(
                        of(agent, p),
                        lengths,
                        groups,
                        commands.zcard(keys.delayed(agent, p)),
                        commands.hlen(keys.scheduled(agent, p)),
                        commands.xlen(keys.dead(agent, p))));
            }
        });
        RuntimeException failure = null;
        for (Pending p : started) {
            try {
                p.apply();
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                p.sample.unknown();
                if (failure == null) {
                    failure = new IllegalStateException("sampling stream gauges failed: " + e, e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** One partition's replies: per priority level its task stream's length and groups, then its delayed and dead. */
    private record Pending(
            Sample sample,
            List<RedisFuture<Long>> lengths,
            List<RedisFuture<List<Object>>> groups,
            RedisFuture<Long> delayed,
            RedisFuture<Long> scheduled,
            RedisFuture<Long> dead) {
        void apply() throws InterruptedException, ExecutionException, TimeoutException {
            long len = 0;
            double lagValue = 0;
            double pendingValue = 0;
            for (int level = 0; level < lengths.size(); level++) {
                long levelLength = lengths.get(level).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                len += levelLength;
                List<Object> info;
                try {
                    info = groups.get(level).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    // ERR no such key: no task was ever enqueued at this level.
                    info = List.of();
                }
                Map<String, Object> group = group(info);
                if (group == null) {
                    // No worker group yet: nothing was delivered, so every entry is waiting.
                    lagValue += levelLength;
                } else {
                    lagValue += group.get("lag") instanceof Number n ? n.doubleValue() : Double.NaN;
                    pendingValue += group.get("pending") instanceof Number n ? n.doubleValue() : Double.NaN;
                }
            }
            long scheduledCount = scheduled.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            long delayedCount = Math.max(0, delayed.get(TIMEOUT_SECONDS, TimeUnit.SECONDS) - scheduledCount);
            long deadCount = dead.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            sample.length = len;
            sample.lag = lagValue;
            sample.pending = pendingValue;
            sample.delayed = delayedCount;
            sample.scheduled = scheduledCount;
            sample.dead = deadCount;
        }
    }

    /** The fields of the {@code workers} group in an XINFO GROUPS reply, or null when there is none. */
    static Map<String, Object> group(List<Object> info) {
        for (Object g : info) {
            if (g instanceof List<?> fields) {
                Map<String, Object> map = new HashMap<>();
                for (int i = 0; i + 1 < fields.size(); i += 2) {
                    map.put(String.valueOf(fields.get(i)), fields.get(i + 1));
                }
                if (StreamKeys.WORKERS_GROUP.equals(String.valueOf(map.get("name")))) {
                    return map;
                }
            }
        }
        return null;
    }
}
