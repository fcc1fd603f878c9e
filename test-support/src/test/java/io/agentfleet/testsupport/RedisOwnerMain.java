package io.agentfleet.testsupport;

/** Starts a Redis, reports it, and exits without closing it: the shutdown hook must reap it. */
public final class RedisOwnerMain {

    private RedisOwnerMain() {}

    public static void main(String[] args) {
        RedisProcess redis = RedisProcess.start(RedisProcess.Options.defaults());
        System.out.println("redis pid=" + redis.pid() + " dir=" + redis.dataDir());
        System.exit(0);
    }
}
