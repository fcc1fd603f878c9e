package io.agentfleet.client;

import io.agentfleet.messages.Priority;
import io.agentfleet.messages.StreamKeys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.resps.StreamConsumerInfo;
import redis.clients.jedis.resps.StreamGroupInfo;
import redis.clients.jedis.resps.StreamPendingEntry;

/** Reads one partition's {@link PartitionStats} from its priority levels' task streams, groups and side keys. */
final class PartitionStatsReader {
    private PartitionStatsReader() {}

    /** See {@link FleetAdminClient#partitionStats(String, int)}. */
    static PartitionStats read(UnifiedJedis jedis, StreamKeys keys, String agent, int partition) {
        long length = 0;
        long lagSum = 0;
        boolean anyGroup = false;
        boolean lagKnown = true;
        long pending = 0;
        Duration oldest = null;
        Map<String, ConsumerStats> consumers = new LinkedHashMap<>();
        String seen = keys.seen(agent, partition, StreamKeys.WORKERS_GROUP);
        for (Priority level : Priority.values()) {
            String tasks = keys.tasks(agent, partition, level);
            length += jedis.xlen(tasks);
            Optional<StreamGroupInfo> group = workersGroup(jedis, tasks);
            if (group.isEmpty()) {
                continue;
            }
            anyGroup = true;
            Long levelLag = lagOf(group.get());
            lagKnown &= levelLag != null;
            lagSum += levelLag == null ? 0 : levelLag;
            long levelPending = group.get().getPending();
            pending += levelPending;
            Duration age = levelPending > 0 ? oldestPendingAge(jedis, tasks) : null;
            oldest = age != null && (oldest == null || age.compareTo(oldest) > 0) ? age : oldest;
            consumers(jedis, tasks, seen)
                    .forEach(c -> consumers.merge(c.name(), c, PartitionStatsReader::sameConsumer));
        }
        long scheduled = jedis.hlen(keys.scheduled(agent, partition));
        return new PartitionStats(
                partition,
                length,
                // Unknown while no level has a group yet, or when Redis cannot tell a level's lag.
                anyGroup && lagKnown ? lagSum : null,
                pending,
                oldest,
                List.copyOf(consumers.values()),
                Math.max(0, jedis.zcard(keys.delayed(agent, partition)) - scheduled),
                jedis.xlen(keys.dead(agent, partition)),
                scheduled);
    }

    /** One consumer seen on two levels' groups: its pending entries of both, last seen at the later time. */
    private static ConsumerStats sameConsumer(ConsumerStats a, ConsumerStats b) {
        return new ConsumerStats(
                a.name(),
                a.pending() + b.pending(),
                a.idle().compareTo(b.idle()) <= 0 ? a.idle() : b.idle(),
                a.sinceSeen().compareTo(b.sinceSeen()) <= 0 ? a.sinceSeen() : b.sinceSeen());
    }

    private static Optional<StreamGroupInfo> workersGroup(UnifiedJedis jedis, String tasks) {
        if (!jedis.exists(tasks)) {
            return Optional.empty();
        }
        return jedis.xinfoGroups(tasks).stream()
                .filter(g -> StreamKeys.WORKERS_GROUP.equals(g.getName()))
                .findFirst();
    }

    private static Long lagOf(StreamGroupInfo group) {
        // Redis 7 reports "lag" (nil when it cannot compute it); Redis 6.2 has no such field: unknown, not 0.
        Object lag = group.getGroupInfo().get("lag");
        return lag instanceof Number n ? n.longValue() : null;
    }

    private static Duration oldestPendingAge(UnifiedJedis jedis, String tasks) {
        List<StreamPendingEntry> first =
                jedis.xpending(tasks, StreamKeys.WORKERS_GROUP, new XPendingParams("-", "+", 1));
        return first.isEmpty() ? null : Duration.ofMillis(first.getFirst().getIdleTime());
    }

    /** The group's consumers, each seen at the later of its last interaction and its heartbeat in {@code seen}. */
    private static List<ConsumerStats> consumers(UnifiedJedis jedis, String tasks, String seen) {
        List<StreamConsumerInfo> infos = jedis.xinfoConsumers2(tasks, StreamKeys.WORKERS_GROUP);
        Map<String, String> heartbeats = jedis.hgetAll(seen);
        long now = heartbeats.isEmpty() ? 0 : redisMillis(jedis, seen);
        return infos.stream()
                .map(c -> {
                    long idle = c.getIdle();
                    String beat = heartbeats.get(c.getName());
                    long sinceSeen = beat == null ? idle : Math.max(0, Math.min(idle, now - Long.parseLong(beat)));
                    return new ConsumerStats(
                            c.getName(), c.getPending(), Duration.ofMillis(idle), Duration.ofMillis(sinceSeen));
                })
                .toList();
    }

    /** Redis's clock, the one the heartbeats were taken with, read on the node holding {@code key}. */
    private static long redisMillis(UnifiedJedis jedis, String key) {
        List<?> time = (List<?>) jedis.eval("return redis.call('TIME')", List.of(key), List.of());
        return Long.parseLong(text(time.get(0))) * 1000 + Long.parseLong(text(time.get(1))) / 1000;
    }

    private static String text(Object reply) {
        return reply instanceof byte[] bytes ? new String(bytes, StandardCharsets.US_ASCII) : String.valueOf(reply);
    }
}
