package io.agentfleet.testsupport;

import java.net.URI;

/**
 * A {@link RedisCluster} behind {@link RedisExtension}: either the one cluster shared by every
 * test class of the JVM (started on first use, killed by the {@link Reaper} at exit) or one owned
 * by a test class. Fault injection goes through {@link RedisExtension#cluster()}, node by node.
 */
final class ClusterRedis implements RedisBackend {

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
    public String host() {
        return RedisCluster.HOST;
    }

    @Override
    public int port() {
        return URI.create(uri()).getPort();
    }

    @Override
    public String describe() {
        return (owned ? "owned " : "shared ") + cluster.describe();
    }

    /** False: a whole cluster is not stopped at once; use {@link RedisExtension#cluster()}. */
    @Override
    public boolean isControllable() {
        return false;
    }

    @Override
    public void stop() {
        throw nodeByNode("stop");
    }

    @Override
    public void kill() {
        throw nodeByNode("kill");
    }

    @Override
    public void start() {
        throw nodeByNode("start");
    }

    @Override
    public void restart() {
        throw nodeByNode("restart");
    }

    @Override
    public void pause() {
        throw nodeByNode("pause");
    }

    @Override
    public void resume() {
        throw nodeByNode("resume");
    }

    @Override
    public boolean isRunning() {
        return JedisProbe.answers(uri());
    }

    @Override
    public void close() {
        if (owned) {
            cluster.close();
        }
    }

    private UnsupportedOperationException nodeByNode(String operation) {
        return new UnsupportedOperationException("Cannot " + operation + " a whole Redis Cluster at once (" + describe()
                + "): register RedisExtension.ownedCluster() and use cluster().kill(node) etc.");
    }
}
