package io.agentfleet.testsupport;

/**
 * A Redis the fixture cannot stop, kill, start or pause as a whole (an external URL, a cluster, a
 * Sentinel set-up): each such call fails with {@link #refused(String)}, which says what to do instead.
 */
abstract sealed class UncontrollableRedis implements RedisBackend permits ExternalRedis, ClusterRedis, SentinelRedis {

    /** Loopback, where the fixture's own nodes listen; an external Redis says its own host. */
    @Override
    public String host() {
        return RedisProcess.HOST;
    }

    /** Why {@code operation} cannot be done here, and what to use instead. */
    abstract UnsupportedOperationException refused(String operation);

    @Override
    public final boolean isControllable() {
        return false;
    }

    @Override
    public final void stop() {
        throw refused("stop");
    }

    @Override
    public final void kill() {
        throw refused("kill");
    }

    @Override
    public final void start() {
        throw refused("start");
    }

    @Override
    public final void restart() {
        throw refused("restart");
    }

    @Override
    public final void pause() {
        throw refused("pause");
    }

    @Override
    public final void resume() {
        throw refused("resume");
    }

    /** Whether a PING to {@link #uri()} gets through (with the URL's credentials and TLS setting). */
    @Override
    public boolean isRunning() {
        return JedisProbe.answers(uri());
    }
}
