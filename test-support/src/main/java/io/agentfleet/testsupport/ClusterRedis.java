package io.agentfleet.testsupport;

import java.net.URI;

/**
 * A {@link RedisCluster} behind {@link RedisExtension}: either the one cluster shared by every
 * test class of the JVM (started on first use, killed by the {@link Reaper} at exit) or one owned
 * by a test class. Fault injection goes through {@link RedisExtension#cluster()}, node by node, so
 * the whole cluster is not stopped at once.
 */
final class ClusterRedis extends UncontrollableRedis {

    private static RedisCluster shared;

    private final RedisCluster cluster;
    private final boolean owned;

    private ClusterRedis(RedisCluster cluster, boolean owned) {
        this.cluster = cluster;
        this.owned = owned;
    }

    static synchronized ClusterRedis shared() {
        if (shared == null) {
            shared = RedisCluster.start();
        }
        return new ClusterRedis(shared, false);
    }

    static ClusterRedis owned() {
        return new ClusterRedis(RedisCluster.start(), true);
    }

    RedisCluster cluster() {
        return cluster;
    }

    boolean isOwned() {
        return owned;
    }

    @Override
    public String uri() {
        return cluster.uri();
    }

    @Override
    public int port() {
        return URI.create(uri()).getPort();
    }

    @Override
    public String describe() {
        return (owned ? "owned " : "shared ") + cluster.describe();
    }

    @Override
    public void close() {
        if (owned) {
            cluster.close();
        }
    }

    @Override
    UnsupportedOperationException refused(String operation) {
        return new UnsupportedOperationException("Cannot " + operation + " a whole Redis Cluster at once (" + describe()
                + "): register RedisExtension.ownedCluster() and use cluster().kill(node) etc.");
    }
}
