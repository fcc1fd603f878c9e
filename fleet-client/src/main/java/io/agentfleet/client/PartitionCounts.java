package io.agentfleet.client;

import io.agentfleet.messages.StreamKeys;

/** Reads an agent type's partition count registered in Redis. */
final class PartitionCounts {
    private PartitionCounts() {}

    /** The registered count of {@code agent}, clamped to the allowed range; 0 when none (or unreadable). */
    static int registered(RedisGateway redis, StreamKeys keys, String agent) {
        String config = keys.config(agent, 0);
        String value = redis.call(
                "reading the partition count of agent type '" + agent + "'",
                jedis -> jedis.hget(config, StreamKeys.PARTITIONS_FIELD));
        return parseCount(value);
    }

    private static int parseCount(String value) {
        if (value == null) {
            return 0;
        }
        try {
            return Math.min(StreamKeys.MAX_PARTITIONS, Math.max(0, Integer.parseInt(value.trim())));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
