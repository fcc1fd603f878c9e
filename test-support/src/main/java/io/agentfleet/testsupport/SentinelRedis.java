package io.agentfleet.testsupport;

/**
 * A {@link RedisSentinelSetup} owned by a test class behind {@link RedisExtension}; {@link #uri()}
 * is the {@code redis-sentinel://} URL, {@link #host()}/{@link #port()} the current primary's.
 * Fault injection goes through {@link RedisExtension#sentinel()}, node by node, so the set-up is
 * not stopped at once.
 */
final class SentinelRedis extends UncontrollableRedis {

    private final RedisSentinelSetup setup;

    private SentinelRedis(RedisSentinelSetup setup) {
        this.setup = setup;
    }

    static SentinelRedis owned() {
        return new SentinelRedis(RedisSentinelSetup.start());
    }

    RedisSentinelSetup setup() {
        return setup;
    }

    @Override
    public String uri() {
        return setup.uri();
    }

    @Override
    public int port() {
        return setup.primary().port();
    }

    @Override
    public String describe() {
        return setup.describe();
    }

    /** Whether the current primary answers PING (the sentinels themselves do not serve data). */
    @Override
    public boolean isRunning() {
        return JedisProbe.answers(setup.primary().uri());
    }

    @Override
    public void close() {
        setup.close();
    }

    @Override
    UnsupportedOperationException refused(String operation) {
        return new UnsupportedOperationException("Cannot " + operation + " a whole Sentinel set-up at once ("
                + describe() + "): use RedisExtension.sentinel().kill(node) etc.");
    }
}
