package io.agentfleet.orchestrator.admin;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.messages.Names;
import io.agentfleet.messages.Priority;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.orchestrator.config.OrchestratorConfig;
import io.agentfleet.orchestrator.registry.AgentRegistry;
import io.agentfleet.orchestrator.workflow.store.OrchestratorKeys;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.models.stream.PendingMessages;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Per-agent-type stream health: totals, and each partition of a partitioned type. Agent types come from the fleet's
 * registry, the types runs used and the configured ones: no SCAN, which would see one node of a cluster.
 */
@Singleton
public class FleetStats {
    private final FleetRedis redis;
    private final Clock clock;
    private final AgentRegistry registry;
    private final StreamKeys keys;
    private final OrchestratorKeys okeys;
    private final java.util.Set<String> allowedAgents;

    public FleetStats(FleetRedis redis, AgentRegistry registry, OrchestratorConfig config, Clock clock) {
        this.redis = redis;
        this.clock = clock;
        this.registry = registry;
        this.keys = config.keys();
        this.okeys = new OrchestratorKeys(config.keys());
        this.allowedAgents = config.workflow().allowedAgents();
    }

    /** Agent types in the fleet's registry, used by runs, or allowed by configuration. */
    public List<String> agentTypes() {
        TreeSet<String> agents = new TreeSet<>(registry.registeredTypes());
        agents.addAll(redis.shared().sync().smembers(okeys.agents()));
        agents.addAll(allowedAgents);
        agents.removeIf(a -> !Names.isAgentType(a));
        return List.copyOf(agents);
    }

    /** Partitions to show or sample per agent type (max of configured and registered). */
    public Map<String, Integer> partitions(Collection<String> agents) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String agent : agents) {
            out.put(agent, registry.forReading(agent));
        }
        return out;
    }

    public List<AgentStatus> agents() {
        List<AgentStatus> out = new ArrayList<>();
        for (String agent : agentTypes()) {
            out.add(agent(agent));
        }
        return out;
    }

    /**
     * One agent type: its totals over all partitions; for a partitioned type also {@code partitions}, each
     * partition's own figures and consumers.
     */
    public AgentStatus agent(String agent) {
        int partitionCount = registry.forReading(agent);
        if (partitionCount == 1) {
            PartitionStatus only = partition(agent, 0);
            return new AgentStatus(agent, only.stream(), 1, only.counts(), only.consumers(), List.of());
        }
        StreamCounts counts = StreamCounts.ZERO;
        Map<String, ConsumerStatus> consumers = new LinkedHashMap<>();
        List<PartitionStatus> parts = new ArrayList<>();
        for (int p = 0; p < partitionCount; p++) {
            PartitionStatus part = partition(agent, p);
            counts = counts.plus(part.counts());
            for (ConsumerStatus c : part.consumers()) {
                consumers.merge(
                        c.name(),
                        new ConsumerStatus(c.name(), c.pending(), c.idleMs(), null),
                        (a, b) -> new ConsumerStatus(
                                a.name(), a.pending() + b.pending(), Math.min(a.idleMs(), b.idleMs()), null));
            }
            parts.add(part);
        }
        return new AgentStatus(
                agent, keys.tasks(agent), partitionCount, counts, List.copyOf(consumers.values()), parts);
    }

    /**
     * One partition: its task streams' length, lag and pending summed over the priority levels, the oldest pending
     * entry of any level, and each consumer once with its pending entries of every level.
     */
    private PartitionStatus partition(String agent, int p) {
        var sync = redis.shared().sync();
        long scheduled = sync.hlen(keys.scheduled(agent, p));
        StreamCounts counts = new StreamCounts(
                0,
                Math.max(0, sync.zcard(keys.delayed(agent, p)) - scheduled),
                sync.xlen(keys.dead(agent, p)),
                sync.xlen(keys.results(agent, p)),
                0,
                0,
                0,
                scheduled);
        Map<String, ConsumerStatus> consumers = new LinkedHashMap<>();
        for (Priority level : Priority.values()) {
            String tasks = keys.tasks(agent, p, level);
            Map<String, Object> group = group(tasks, StreamKeys.WORKERS_GROUP);
            counts = counts.plus(new StreamCounts(
                    sync.xlen(tasks),
                    0,
                    0,
                    0,
                    toLong(group.get("lag")),
                    toLong(group.get("pending")),
                    group.isEmpty() ? 0 : oldestPendingMs(tasks),
                    0));
            if (!group.isEmpty()) {
                consumersOf(tasks).forEach(c -> consumers.merge(c.name(), c, FleetStats::sameConsumer));
            }
        }
        return new PartitionStatus(p, keys.tasks(agent, p), counts, List.copyOf(consumers.values()));
    }

    private List<ConsumerStatus> consumersOf(String tasks) {
        List<ConsumerStatus> consumers = new ArrayList<>();
        try {
            for (Object c : redis.shared().sync().xinfoConsumers(tasks, StreamKeys.WORKERS_GROUP)) {
                Map<String, Object> fields = pairs(c);
                consumers.add(new ConsumerStatus(
                        String.valueOf(fields.get("name")),
                        toLong(fields.get("pending")),
                        toLong(fields.get("idle")),
                        fields.containsKey("inactive") ? toLong(fields.get("inactive")) : null));
            }
        } catch (RedisCommandExecutionException e) {
            // The group vanished between the two calls.
        }
        return consumers;
    }

    /** One consumer seen on two levels' groups: pending of both, the shorter idle and inactive times. */
    private static ConsumerStatus sameConsumer(ConsumerStatus a, ConsumerStatus b) {
        Long inactive = a.inactiveMs();
        if (inactive == null || (b.inactiveMs() != null && b.inactiveMs() < inactive)) {
            inactive = b.inactiveMs();
        }
        return new ConsumerStatus(a.name(), a.pending() + b.pending(), Math.min(a.idleMs(), b.idleMs()), inactive);
    }

    /** Age of the group's oldest pending entry: its id's ms part is when it was enqueued. One XPENDING summary. */
    private long oldestPendingMs(String tasks) {
        try {
            PendingMessages summary = redis.shared().sync().xpending(tasks, StreamKeys.WORKERS_GROUP);
            if (summary.getCount() == 0) {
                return 0;
            }
            String oldest = summary.getMessageIds().getLower().getValue();
            long enqueued = Long.parseLong(oldest.substring(0, oldest.indexOf('-')));
            return Math.max(0, clock.millis() - enqueued);
        } catch (RedisCommandExecutionException e) {
            return 0; // The group vanished since XINFO GROUPS.
        }
    }

    private Map<String, Object> group(String stream, String name) {
        try {
            for (Object g : redis.shared().sync().xinfoGroups(stream)) {
                Map<String, Object> fields = pairs(g);
                if (name.equals(String.valueOf(fields.get("name")))) {
                    return fields;
                }
            }
        } catch (RedisCommandExecutionException e) {
            // No such stream yet.
        }
        return Map.of();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> pairs(Object info) {
        Map<String, Object> fields = new LinkedHashMap<>();
        if (info instanceof List<?> list) {
            for (int i = 0; i + 1 < list.size(); i += 2) {
                fields.put(String.valueOf(list.get(i)), list.get(i + 1));
            }
        } else if (info instanceof Map<?, ?> map) {
            map.forEach((k, v) -> fields.put(String.valueOf(k), v));
        }
        return fields;
    }

    private static long toLong(Object value) {
        if (value instanceof Number n) {
            return n.longValue();
        }
        try {
            return value == null ? 0 : Long.parseLong(String.valueOf(value));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
