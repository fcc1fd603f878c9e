package io.agentfleet.client;

import io.agentfleet.messages.FleetScripts;
import io.agentfleet.messages.StreamKeys;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Where a producer's tasks go: the partition of each task (configured or registered count, partition key or
 * round-robin), and the registration of the agent types and partition counts it writes to, so that workers and
 * status find them. Thread-safe; the caches live as long as the client.
 */
final class WriteTargets {
    private static final Logger LOG = LoggerFactory.getLogger(WriteTargets.class);
    private static final long REGISTERED_TTL_MILLIS = 10_000;

    private final FleetClientOptions options;
    private final StreamKeys keys;
    private final RedisGateway redis;
    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    /** Agent types whose configured partition count this client has registered (or tried to). */
    private final Set<String> countRegistered = ConcurrentHashMap.newKeySet();
    /** Agent types whose configured partition count this client's ACL user may not register. */
    private final Set<String> mayNotRegister = ConcurrentHashMap.newKeySet();

    private final ConcurrentMap<String, RegisteredCount> registeredCounts = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, AtomicInteger> roundRobin = new ConcurrentHashMap<>();

    WriteTargets(FleetClientOptions options, RedisGateway redis) {
        this.options = options;
        this.keys = options.keys();
        this.redis = redis;
    }

    /**
     * How many partitions writers of {@code agent} use: the count configured in this process ({@link
     * FleetClientOptions#partitions()} or {@code FLEET_AGENTS_<TYPE>_PARTITIONS}), else the count registered in Redis
     * (read at most every {@value #REGISTERED_TTL_MILLIS} ms), else 1.
     */
    int writePartitions(String agent) {
        int configured = options.configuredPartitions(agent);
        if (configured > 0 && !mayNotRegister.contains(agent)) {
            return configured;
        }
        int registeredCount = Math.max(1, registeredPartitions(agent));
        // A client that could not register its count writes only where readers look.
        return configured > 0 ? Math.min(configured, registeredCount) : registeredCount;
    }

    private int registeredPartitions(String agent) {
        long now = System.nanoTime();
        RegisteredCount known = registeredCounts.get(agent);
        if (known != null && now - known.readAt < REGISTERED_TTL_MILLIS * 1_000_000L) {
            return known.count;
        }
        int count = PartitionCounts.registered(redis, keys, agent);
        registeredCounts.put(agent, new RegisteredCount(count, now));
        return count;
    }

    private record RegisteredCount(int count, long readAt) {}

    /** The partition {@code agent}'s next task goes to: by {@code partitionKey} when given, else round-robin. */
    int choose(String agent, String partitionKey) {
        registerConfiguredCount(agent);
        int count = writePartitions(agent);
        if (count == 1) {
            return 0;
        }
        if (partitionKey != null) {
            return StreamKeys.partitionFor(partitionKey, count);
        }
        return Math.floorMod(
                roundRobin.computeIfAbsent(agent, a -> new AtomicInteger()).getAndIncrement(), count);
    }

    /** The first time this client enqueues to {@code agent}: adds it to the registry of agent types. */
    void register(String agent) {
        if (registered.contains(agent)) {
            return;
        }
        redis.call("registering agent type '" + agent + "'", jedis -> {
            try {
                jedis.sadd(keys.agents(), agent);
            } catch (JedisDataException e) {
                // A producer whose ACL lacks SADD on the registry still enqueues: workers register the types
                // they serve, so the type shows up once served.
                if (e.getMessage() == null || !e.getMessage().startsWith("NOPERM")) {
                    throw e;
                }
                LOG.warn("agent type '{}' not added to the registry {}: {}", agent, keys.agents(), e.getMessage());
            }
            return null;
        });
        registered.add(agent);
    }

    /**
     * Before this client first chooses a partition of {@code agent} it configures a count for: raises the registered
     * count to it, so that workers and status serve every partition written to.
     */
    private void registerConfiguredCount(String agent) {
        int configured = options.configuredPartitions(agent);
        if (configured <= 0 || countRegistered.contains(agent)) {
            return;
        }
        redis.call("registering the partition count of agent type '" + agent + "'", jedis -> {
            try {
                redis.run(FleetScripts.registerPartitions(keys, agent, configured));
            } catch (JedisDataException e) {
                if (!RedisGateway.isPermissionDenied(e)) {
                    throw e;
                }
                // A producer's ACL user may not write config hashes (that would also let it change max-backlog):
                // workers and the orchestrator register counts; this client then writes to the registered ones.
                mayNotRegister.add(agent);
                LOG.warn(
                        "agent type '{}': may not register {} partitions ({}); writing to the partitions registered"
                                + " by the fleet instead",
                        agent,
                        configured,
                        e.getMessage());
            }
            return null;
        });
        countRegistered.add(agent);
    }
}
