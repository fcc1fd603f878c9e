package io.agentfleet.tools.bench;

import io.agentfleet.messages.RedisTarget;
import java.util.LinkedHashSet;
import java.util.Set;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.UnifiedJedis;

/**
 * The harness's own reads (readiness, result streams, command stats) on any {@code REDIS_URL} the fleet accepts for a
 * node or a cluster: a {@link JedisCluster} for a seed list or a node that reports {@code cluster_enabled:1}, else a
 * {@link JedisPooled}. fleet-client's gateway is not public, so the bench builds its own from the same
 * {@link RedisTarget}.
 */
final class BenchRedis {
    private BenchRedis() {}

    static UnifiedJedis open(String url) {
        RedisTarget target = RedisTarget.parse(url, System.getenv("FLEET_REDIS_MODE"));
        JedisClientConfig config = DefaultJedisClientConfig.builder()
                .user(target.user())
                .password(target.password())
                .ssl(target.tls())
                .database(target.database())
                .timeoutMillis(10_000)
                .build();
        RedisTarget.Node first = target.firstNode();
        boolean cluster = switch (target.mode()) {
            case CLUSTER -> true;
            case AUTO -> isClusterNode(new HostAndPort(first.host(), first.port()), config);
            default -> false;
        };
        if (!cluster) {
            return new JedisPooled(new HostAndPort(first.host(), first.port()), config);
        }
        Set<HostAndPort> seeds = new LinkedHashSet<>();
        for (RedisTarget.Node node : target.nodes()) {
            seeds.add(new HostAndPort(node.host(), node.port()));
        }
        return new JedisCluster(seeds, config);
    }

    private static boolean isClusterNode(HostAndPort node, JedisClientConfig config) {
        try (Jedis jedis = new Jedis(node, config)) {
            return jedis.info("cluster").contains("cluster_enabled:1");
        }
    }
}
