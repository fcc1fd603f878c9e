package io.agentfleet.testsupport;

/** One way of having a Redis for tests: an owned process, a container, an external URL, a cluster, or a Sentinel set-up. */
sealed interface RedisBackend extends AutoCloseable permits RedisProcess, ContainerRedis, UncontrollableRedis {

    String uri();

    String host();

    int port();

    /** A human-readable account of where this Redis comes from, for error messages. */
    String describe();

    boolean isControllable();

    void stop();

    void kill();

    void start();

    void restart();

    void pause();

    void resume();

    boolean isRunning();

    @Override
    void close();
}
