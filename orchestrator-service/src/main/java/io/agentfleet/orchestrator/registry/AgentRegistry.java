package io.agentfleet.orchestrator.registry;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.messages.FleetScripts;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.Names;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.messages.config.ConfigException;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the orchestrator knows of agent types beyond its runs: the fleet's registry set ({@code prefix:agents}, read
 * instead of SCAN, which sees one node of a cluster) and each type's partition count.
 *
 * <p>Partition counts: {@code FLEET_AGENTS_<TYPE>_PARTITIONS} configures this process; the registered count (field
 * {@code partitions} of partition 0's config hash) is the highest any process was configured with. Dispatch uses the
 * configured count, else the registered one (cached for {@link #WRITER_CACHE}); readers use the larger of both
 * (cached for {@link #READER_CACHE}), so partitions added elsewhere are picked up and partitions no longer written
 * still drain.
 */
public final class AgentRegistry {
    static final Duration WRITER_CACHE = Duration.ofSeconds(10);
    static final Duration READER_CACHE = Duration.ofSeconds(5);
    private static final Pattern VARIABLE = Pattern.compile("FLEET_AGENTS_(.+)_PARTITIONS");

    private final FleetRedis redis;
    private final StreamKeys keys;
    private final Map<String, String> env;
    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    private final Map<String, Cached> counts = new ConcurrentHashMap<>();
    /** Configured counts by agent type (0 = not configured), so dispatch does not rebuild the variable's name. */
    private final Map<String, Integer> configuredCounts = new ConcurrentHashMap<>();

    private record Cached(int count, long readAtNanos) {}

    /** @param env the environment ({@code System.getenv()}); every partitions variable in it is validated here */
    public AgentRegistry(FleetRedis redis, StreamKeys keys, Map<String, String> env) {
        this.redis = redis;
        this.keys = keys;
        this.env = Map.copyOf(env);
        this.env.forEach((name, value) -> {
            Matcher m = VARIABLE.matcher(name);
            if (m.matches()) {
                parseCount(name, value);
            }
        });
    }

    /** The registry: every agent type a worker served or a producer sent work to. */
    public Set<String> registeredTypes() {
        Set<String> types = new TreeSet<>();
        for (String type : redis.shared().sync().smembers(keys.agents())) {
            if (Names.isAgentType(type)) {
                types.add(type);
            }
        }
        return types;
    }

    /**
     * Called before this process first enqueues to {@code agent}: adds it to the registry and raises its registered
     * partition count to the configured one. Once per type and process.
     */
    public void noteEnqueuing(String agent) {
        if (registered.contains(agent)) {
            return;
        }
        redis.shared().sync().sadd(keys.agents(), agent);
        Integer configured = configured(agent);
        if (configured != null) {
            Long count =
                    redis.runSync(FleetScripts.registerPartitions(keys, agent, configured), ScriptOutputType.INTEGER);
            counts.put(agent, new Cached(count.intValue(), System.nanoTime()));
        }
        registered.add(agent);
    }

    /** The tool definition a worker published for {@code agent} ({@link StreamKeys#TOOL_FIELD}), JSON text, or null. */
    public String publishedTool(String agent) {
        return redis.shared().sync().hget(keys.config(agent, 0), StreamKeys.TOOL_FIELD);
    }

    /** The partition count dispatch spreads {@code agent} over: configured, else registered. */
    public int forWriting(String agent) {
        Integer configured = configured(agent);
        return configured != null ? configured : registeredCount(agent, WRITER_CACHE);
    }

    /** The partitions of {@code agent} to read (results, dead letters, gauges): max(configured, registered). */
    public int forReading(String agent) {
        Integer configured = configured(agent);
        int registeredCount = registeredCount(agent, READER_CACHE);
        return configured == null ? registeredCount : Math.max(configured, registeredCount);
    }

    /** The partition of a dispatched task: the same for the same wire task id while the count is unchanged. */
    public int partitionOf(String agent, String wireTaskId) {
        int partitions = forWriting(agent);
        return partitions == 1 ? 0 : StreamKeys.partitionFor(wireTaskId, partitions);
    }

    /** {@code FLEET_AGENTS_<TYPE>_PARTITIONS} for {@code agent}, or null. */
    public Integer configured(String agent) {
        int count = configuredCounts.computeIfAbsent(agent, a -> {
            String name = StreamKeys.partitionsVariable(a);
            String value = env.get(name);
            return value == null || value.isBlank() ? 0 : parseCount(name, value);
        });
        return count == 0 ? null : count;
    }

    private int registeredCount(String agent, Duration maxAge) {
        Cached cached = counts.get(agent);
        long now = System.nanoTime();
        if (cached != null && now - cached.readAtNanos() < maxAge.toNanos()) {
            return cached.count();
        }
        String raw = redis.shared().sync().hget(keys.config(agent, 0), StreamKeys.PARTITIONS_FIELD);
        int count = 1;
        if (raw != null) {
            try {
                count = StreamKeys.requirePartitionCount(Integer.parseInt(raw.trim()));
            } catch (NumberFormatException | InvalidMessageException e) {
                count = cached == null ? 1 : cached.count();
            }
        }
        counts.put(agent, new Cached(count, now));
        return count;
    }

    private static int parseCount(String name, String value) {
        try {
            return StreamKeys.requirePartitionCount(Integer.parseInt(value.trim()));
        } catch (NumberFormatException | InvalidMessageException e) {
            throw new ConfigException(
                    name,
                    name + " must be an integer from 1 to " + StreamKeys.MAX_PARTITIONS + ", but was '" + value + "'");
        }
    }
}
