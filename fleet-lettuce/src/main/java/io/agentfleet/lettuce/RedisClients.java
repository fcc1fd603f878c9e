package io.agentfleet.lettuce;

import io.agentfleet.messages.RedisTarget;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions.RefreshTrigger;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the Lettuce clients for a {@link RedisTarget}: detects whether a single URL names a cluster node, and sets
 * credentials, TLS, timeouts, reconnects and (on a cluster) topology refresh the same way for every node.
 */
final class RedisClients {
    // Logged under FleetRedis, where these lines were before the split, so log filters keep matching.
    private static final Logger LOG = LoggerFactory.getLogger(FleetRedis.class);
    static final Duration TOPOLOGY_REFRESH = Duration.ofSeconds(30);
    /** Adaptive refreshes at most this often, so a burst of MOVED replies after a failover causes one refresh. */
    static final Duration ADAPTIVE_REFRESH_TIMEOUT = Duration.ofSeconds(1);

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final RedisTarget target;
    private final FleetRedisOptions options;
    private final ClientResources resources;

    RedisClients(RedisTarget target, FleetRedisOptions options, ClientResources resources) {
        this.target = target;
        this.options = options;
        this.resources = resources;
    }

    /** STANDALONE or CLUSTER for a single URL: {@code INFO cluster} says {@code cluster_enabled:1} on a cluster node. */
    RedisTarget.Mode detect() {
        RedisClient probe = RedisClient.create(resources, nodeUri(target.firstNode()));
        probe.setOptions(clientOptions());
        try (StatefulRedisConnection<String, String> connection = probe.connect(StringCodec.UTF8)) {
            String info = connection.sync().info("cluster");
            boolean cluster = info != null && info.contains("cluster_enabled:1");
            LOG.info(
                    "Redis at {} is {}",
                    target.redacted(),
                    cluster ? "a cluster node: using it as the cluster's seed" : "a standalone node");
            return cluster ? RedisTarget.Mode.CLUSTER : RedisTarget.Mode.STANDALONE;
        } catch (RedisCommandExecutionException e) {
            LOG.info(
                    "Redis at {} refused INFO ({}); treating it as a standalone node (set FLEET_REDIS_MODE=cluster for a"
                            + " cluster)",
                    target.redacted(),
                    e.getMessage());
            return RedisTarget.Mode.STANDALONE;
        } finally {
            probe.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    RedisClient standaloneClient(boolean sentinel) {
        RedisURI uri;
        if (sentinel) {
            RedisURI.Builder builder = RedisURI.builder().withSentinelMasterId(target.sentinelMaster());
            for (RedisTarget.Node node : target.nodes()) {
                builder.withSentinel(node.host(), node.port(), options.sentinelPassword());
            }
            uri = withSettings(builder).withDatabase(target.database()).build();
        } else {
            uri = nodeUri(target.firstNode());
        }
        RedisClient created = RedisClient.create(resources, uri);
        created.setOptions(clientOptions());
        return created;
    }

    RedisClusterClient clusterClient() {
        List<RedisURI> seeds = new ArrayList<>();
        for (RedisTarget.Node node : target.nodes()) {
            seeds.add(withSettings(RedisURI.builder().withHost(node.host()).withPort(node.port()))
                    .build());
        }
        RedisClusterClient created = RedisClusterClient.create(resources, seeds);
        created.setOptions(ClusterClientOptions.builder()
                .autoReconnect(true)
                // A command routed to a primary that just died would otherwise wait in that node's reconnect buffer
                // until the command timeout, even after the topology refresh moved its slot to the promoted replica;
                // rejected at once, it is retried by its caller and then routed to the new primary.
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(options.commandTimeout()))
                .socketOptions(socketOptions())
                .validateClusterNodeMembership(false)
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enablePeriodicRefresh(TOPOLOGY_REFRESH)
                        .enableAdaptiveRefreshTrigger(
                                RefreshTrigger.MOVED_REDIRECT,
                                RefreshTrigger.ASK_REDIRECT,
                                RefreshTrigger.PERSISTENT_RECONNECTS,
                                RefreshTrigger.UNCOVERED_SLOT,
                                RefreshTrigger.UNKNOWN_NODE)
                        .adaptiveRefreshTriggersTimeout(ADAPTIVE_REFRESH_TIMEOUT)
                        .refreshTriggersReconnectAttempts(3)
                        .build())
                .build());
        return created;
    }

    private RedisURI nodeUri(RedisTarget.Node node) {
        return withSettings(RedisURI.builder().withHost(node.host()).withPort(node.port()))
                .withDatabase(target.database())
                .build();
    }

    /** Credentials, TLS, timeout and client name: the same for every node in every mode. */
    private RedisURI.Builder withSettings(RedisURI.Builder builder) {
        if (target.password() != null) {
            builder.withAuthentication(target.user() == null ? "default" : target.user(), target.password());
        }
        builder.withSsl(target.tls()).withTimeout(options.commandTimeout());
        if (options.clientName() != null) {
            builder.withClientName(options.clientName());
        }
        return builder;
    }

    private ClientOptions clientOptions() {
        return ClientOptions.builder()
                .autoReconnect(true)
                .timeoutOptions(TimeoutOptions.enabled(options.commandTimeout()))
                .socketOptions(socketOptions())
                .build();
    }

    private static SocketOptions socketOptions() {
        return SocketOptions.builder()
                .connectTimeout(CONNECT_TIMEOUT)
                .keepAlive(true)
                .build();
    }
}
