package io.agentfleet.client;

import io.agentfleet.messages.RedisTarget;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.JedisSentineled;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.providers.ClusterConnectionProvider;

/**
 * Opens a {@link RedisGateway} from the client options: a {@link JedisPooled} (one node), a {@link JedisCluster}
 * (Redis Cluster: follows MOVED/ASK, routes each command by its key's slot) or a {@link JedisSentineled} (Sentinel:
 * follows the primary across failovers), the mode detected from the URL unless configured, checked with a PING.
 */
final class RedisConnections {
    private static final int CLUSTER_MAX_ATTEMPTS = 5;

    /** How often a cluster client re-reads the slot map even when nothing failed. */
    static final Duration TOPOLOGY_REFRESH = Duration.ofSeconds(30);

    private RedisConnections() {}

    /** The hosts and ports, for messages (never a password). */
    static String endpointOf(RedisTarget target) {
        StringBuilder text = new StringBuilder();
        for (RedisTarget.Node node : target.nodes()) {
            text.append(text.isEmpty() ? "" : ",").append(node);
        }
        return text.toString();
    }

    static RedisGateway open(FleetClientOptions options) {
        RedisTarget target = options.target();
        String shown = endpointOf(target);
        int timeoutMillis = (int) options.commandTimeout().toMillis();
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(options.poolSize());
        pool.setMaxIdle(options.poolSize());
        pool.setMinIdle(0);
        pool.setMaxWait(options.commandTimeout());
        pool.setJmxEnabled(false);
        UnifiedJedis jedis;
        ClusterConnectionProvider cluster = null;
        try {
            RedisTarget.Mode mode =
                    target.mode() == RedisTarget.Mode.AUTO ? detect(target, timeoutMillis) : target.mode();
            target = target.withMode(mode);
            JedisClientConfig config = dataNodeConfig(target, timeoutMillis);
            jedis = switch (mode) {
                case AUTO, STANDALONE -> new JedisPooled(hostAndPort(target.firstNode()), config, pool);
                case CLUSTER -> {
                    cluster = new ClusterConnectionProvider(nodes(target), config, pool, TOPOLOGY_REFRESH);
                    yield new JedisCluster(
                            cluster,
                            CLUSTER_MAX_ATTEMPTS,
                            options.commandTimeout().multipliedBy(CLUSTER_MAX_ATTEMPTS));
                }
                case SENTINEL ->
                    new JedisSentineled(
                            target.sentinelMaster(),
                            config,
                            pool,
                            nodes(target),
                            sentinelConfig(target, options.sentinelPassword(), timeoutMillis));
            };
        } catch (JedisAccessControlException e) {
            throw new FleetConnectionException(shown, "authentication failed while connecting: " + e.getMessage(), e);
        } catch (JedisException e) {
            throw new FleetConnectionException(
                    shown, "unreachable while connecting (" + RedisGateway.rootMessage(e) + ")", e);
        }
        RedisGateway gateway = new RedisGateway(jedis, target, cluster);
        try {
            gateway.call("connecting", UnifiedJedis::ping);
        } catch (RuntimeException e) {
            jedis.close();
            throw e;
        }
        return gateway;
    }

    /**
     * A one-node URL is a cluster when the node says {@code cluster_enabled:1}; a node that refuses INFO (an ACL
     * without {@code +info}) is taken as standalone.
     */
    private static RedisTarget.Mode detect(RedisTarget target, int timeoutMillis) {
        try (Jedis probe = new Jedis(hostAndPort(target.firstNode()), dataNodeConfig(target, timeoutMillis))) {
            String info;
            try {
                info = probe.info("cluster");
            } catch (JedisAccessControlException e) {
                return RedisTarget.Mode.STANDALONE;
            } catch (JedisDataException e) {
                if (e.getMessage() != null && e.getMessage().startsWith("NOPERM")) {
                    return RedisTarget.Mode.STANDALONE;
                }
                throw e;
            }
            return info != null && info.contains("cluster_enabled:1")
                    ? RedisTarget.Mode.CLUSTER
                    : RedisTarget.Mode.STANDALONE;
        }
    }

    private static JedisClientConfig dataNodeConfig(RedisTarget target, int timeoutMillis) {
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeoutMillis)
                .socketTimeoutMillis(timeoutMillis)
                .clientName("agentfleet-client")
                .ssl(target.tls());
        if (target.mode() != RedisTarget.Mode.CLUSTER) {
            config.database(target.database());
        }
        if (target.user() != null) {
            config.user(target.user());
        }
        if (target.password() != null) {
            config.password(target.password());
        }
        return config.build();
    }

    private static JedisClientConfig sentinelConfig(RedisTarget target, String sentinelPassword, int timeoutMillis) {
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeoutMillis)
                .socketTimeoutMillis(timeoutMillis)
                .clientName("agentfleet-client")
                .ssl(target.tls());
        if (sentinelPassword != null) {
            config.password(sentinelPassword);
        }
        return config.build();
    }

    private static Set<HostAndPort> nodes(RedisTarget target) {
        Set<HostAndPort> nodes = new LinkedHashSet<>();
        target.nodes().forEach(node -> nodes.add(hostAndPort(node)));
        return nodes;
    }

    private static HostAndPort hostAndPort(RedisTarget.Node node) {
        return new HostAndPort(node.host(), node.port());
    }
}
