package io.agentfleet.client;

import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.DeadLetter;
import io.agentfleet.messages.FleetScripts;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.ScriptCall;
import io.agentfleet.messages.StreamKeys;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The operator's client: dead letters (list, redrive, purge), per-agent-type statistics and the registry of agent
 * types, straight from Redis. Thread-safe. Open one with {@link #connect(FleetClientOptions)}, or use {@link
 * FleetClient#admin()} to share a producer's connections.
 */
public final class FleetAdminClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FleetAdminClient.class);
    private static final int REDRIVE_BATCH = 100;

    private final FleetClientOptions options;
    private final StreamKeys keys;
    private final MessageCodec codec;
    private final RedisGateway redis;
    private final boolean ownsRedis;

    FleetAdminClient(FleetClientOptions options, MessageCodec codec, RedisGateway redis, boolean ownsRedis) {
        this.options = options;
        this.keys = options.keys();
        this.codec = codec;
        this.redis = redis;
        this.ownsRedis = ownsRedis;
    }

    /** Connects with the given options; the connection is checked with a PING. */
    public static FleetAdminClient connect(FleetClientOptions options) {
        Objects.requireNonNull(options, "options");
        return new FleetAdminClient(options, new MessageCodec(options.limits()), RedisConnections.open(options), true);
    }

    public FleetClientOptions options() {
        return options;
    }

    /** Agent types in the fleet's registry ({@code prefix:agents}): every type served or sent work. */
    public SortedSet<String> agentTypes() {
        String registry = keys.agents();
        return redis.call("reading " + registry, jedis -> new TreeSet<>(jedis.smembers(registry)));
    }

    /**
     * Every partition of {@code agent} that may hold work: max(configured, registered), read fresh from Redis. Admin
     * operations (statistics, dead letters, purge) cover this many.
     */
    public int partitions(String agent) {
        return Math.max(
                1, Math.max(options.configuredPartitions(agent), PartitionCounts.registered(redis, keys, agent)));
    }

    /** The oldest {@code count} dead letters of partition 0 of {@code agent} (the whole of an unpartitioned type). */
    public List<DeadLetter> deadLetters(String agent, int count) {
        return deadLetters(agent, 0, count);
    }

    /** The oldest {@code count} dead letters of one partition of {@code agent}, oldest first. */
    public List<DeadLetter> deadLetters(String agent, int partition, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, but was " + count);
        }
        String dead = keys.dead(agent, partition);
        List<StreamEntry> entries = redis.call("reading " + dead, jedis -> jedis.xrange(dead, "-", "+", count));
        return entries.stream()
                .map(e -> DeadLetter.fromFields(e.getID().toString(), agent, e.getFields()))
                .toList();
    }

    /** One dead letter by its entry id on partition 0's {@code prefix:{agent}:dead}, if it is still there. */
    public Optional<DeadLetter> deadLetter(String agent, String entryId) {
        return deadLetter(agent, 0, entryId);
    }

    /** One dead letter by its entry id on the dead-letter stream of partition {@code partition}. */
    public Optional<DeadLetter> deadLetter(String agent, int partition, String entryId) {
        String dead = keys.dead(agent, partition);
        String id = Replies.requireEntryId(entryId);
        List<StreamEntry> entries = redis.call("reading " + dead, jedis -> jedis.xrange(dead, id, id, 1));
        return entries.stream()
                .findFirst()
                .map(e -> DeadLetter.fromFields(e.getID().toString(), agent, e.getFields()));
    }

    /** {@link #redrive(String, int, Collection)} on partition 0 (an unpartitioned type). */
    public int redrive(String agent, Collection<String> entryIds) {
        return redrive(agent, 0, entryIds);
    }

    /**
     * Puts the given dead letters of one partition back on that partition's task stream as fresh tasks ({@link
     * DeadLetter#redriveMessage}: attempt 1, new message id, no deadline) and deletes their done records, so awaiting
     * the task waits for the new run. Runs {@link FleetScripts#REDRIVE}, which removes each dead letter and enqueues
     * it in one step: a dead letter redriven concurrently by two callers is enqueued once. Redrive is an operator
     * action and bypasses the backlog bound.
     *
     * @return how many were redriven; ids not found (already redriven or purged) and dead letters whose original
     *     message cannot be decoded are skipped and left as they are
     */
    public int redrive(String agent, int partition, Collection<String> entryIds) {
        Objects.requireNonNull(entryIds, "entryIds");
        List<DeadLetter> found = new ArrayList<>();
        for (String entryId : entryIds) {
            deadLetter(agent, partition, entryId).ifPresent(found::add);
        }
        int redriven = 0;
        for (int from = 0; from < found.size(); from += REDRIVE_BATCH) {
            redriven +=
                    redriveBatch(agent, partition, found.subList(from, Math.min(found.size(), from + REDRIVE_BATCH)));
        }
        return redriven;
    }

    /** Redrives every dead letter of every partition of {@code agent}; returns how many. */
    public int redriveAll(String agent) {
        int redriven = 0;
        for (int partition = 0; partition < partitions(agent); partition++) {
            redriven += redriveAll(agent, partition);
        }
        return redriven;
    }

    /** Redrives every dead letter of one partition of {@code agent} (see {@link #redrive(String, int, Collection)}). */
    public int redriveAll(String agent, int partition) {
        String dead = keys.dead(agent, partition);
        String start = "-";
        int redriven = 0;
        while (true) {
            String from = start;
            List<StreamEntry> page =
                    redis.call("reading " + dead, jedis -> jedis.xrange(dead, from, "+", REDRIVE_BATCH));
            if (page.isEmpty()) {
                return redriven;
            }
            redriven += redriveBatch(
                    agent,
                    partition,
                    page.stream()
                            .map(e -> DeadLetter.fromFields(e.getID().toString(), agent, e.getFields()))
                            .toList());
            start = "(" + page.getLast().getID();
        }
    }

    private int redriveBatch(String agent, int partition, List<DeadLetter> letters) {
        List<FleetScripts.Redrive> redrives = new ArrayList<>(letters.size());
        for (DeadLetter letter : letters) {
            AgentMessage message;
            try {
                message = letter.redriveMessage(codec);
            } catch (InvalidMessageException e) {
                LOG.warn(
                        "dead letter {} of agent type '{}' (partition {}) cannot be redriven: {}",
                        letter.entryId(),
                        agent,
                        partition,
                        e.getMessage());
                continue;
            }
            redrives.add(new FleetScripts.Redrive(
                    letter.entryId(), message.taskId(), RedisGateway.utf8(codec.encode(message)), message.priority()));
        }
        if (redrives.isEmpty()) {
            return 0;
        }
        ScriptCall call = FleetScripts.redrive(keys, agent, partition, redrives);
        Object reply = redis.call("redriving dead letters of agent type '" + agent + "'", jedis -> redis.run(call));
        return (int) Replies.strings(reply).stream().filter(Objects::nonNull).count();
    }

    /**
     * Deletes every dead letter of every partition of {@code agent}, each partition in one atomic step (a script on
     * that partition's slot: MULTI/EXEC is not routed by key on Redis Cluster); returns how many there were.
     */
    public long purgeDeadLetters(String agent) {
        long purged = 0;
        for (int partition = 0; partition < partitions(agent); partition++) {
            purged += purgeDeadLetters(agent, partition);
        }
        return purged;
    }

    /** Deletes every dead letter of one partition of {@code agent} atomically; returns how many there were. */
    public long purgeDeadLetters(String agent, int partition) {
        String dead = keys.dead(agent, partition);
        ScriptCall call = FleetScripts.purgeDead(keys, agent, partition);
        Object reply = redis.call("purging " + dead, jedis -> redis.run(call));
        return reply instanceof Number n ? n.longValue() : 0;
    }

    /**
     * Deletes the dead letters of {@code tenant} (those whose original task carried it) from every partition of
     * {@code agent}, leaving other tenants' and tenantless ones; each partition in one atomic step ({@link
     * FleetScripts#PURGE_DEAD_SCOPED}, the script the orchestrator's scoped purge runs), which reads the whole
     * partition. Returns how many were deleted.
     */
    public long purgeDeadLetters(String agent, String tenant) {
        Objects.requireNonNull(tenant, "tenant");
        long purged = 0;
        for (int partition = 0; partition < partitions(agent); partition++) {
            ScriptCall call = FleetScripts.purgeDeadScoped(keys, agent, partition, tenant, null, 0);
            Object reply = redis.call(
                    "purging tenant '" + tenant + "' dead letters of " + keys.dead(agent, partition),
                    jedis -> redis.run(call));
            purged += FleetScripts.ScopedPurge.of(reply).purged();
        }
        return purged;
    }

    /**
     * Length, lag, pending work, consumers, delayed retries, scheduled tasks and dead letters of one agent type, summed over its
     * partitions, with each partition's own figures when it has more than one (see {@link AgentStats}).
     */
    public AgentStats agentStats(String agent) {
        int count = partitions(agent);
        List<PartitionStats> each = new ArrayList<>(count);
        for (int partition = 0; partition < count; partition++) {
            each.add(partitionStats(agent, partition));
        }
        return AgentStats.of(agent, each);
    }

    /**
     * The figures of one partition of {@code agent}: length, lag and pending summed over its priority levels' task
     * streams, the oldest pending entry of any level, and each consumer once with its pending entries of every level.
     */
    public PartitionStats partitionStats(String agent, int partition) {
        String normal = keys.tasks(agent, partition);
        return redis.call(
                "reading statistics of " + normal, jedis -> PartitionStatsReader.read(jedis, keys, agent, partition));
    }

    /** Releases the connection pool when this client opened it; a view of a {@link FleetClient} leaves it open. */
    @Override
    public void close() {
        if (ownsRedis) {
            redis.close();
        }
    }
}
