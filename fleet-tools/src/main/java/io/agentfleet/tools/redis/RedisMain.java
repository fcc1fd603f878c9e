package io.agentfleet.tools.redis;

import io.agentfleet.testsupport.RedisProcess;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** {@code ./fleet redis [--port N] [--aof] [--dir PATH]}: a local Redis in the foreground until Ctrl-C. */
public final class RedisMain {
    private RedisMain() {}

    public static void main(String[] args) throws InterruptedException {
        RedisProcess.Options options = RedisProcess.Options.defaults().withPort(6379);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> options = options.withPort(Integer.parseInt(args[++i]));
                case "--aof" -> options = options.withAof(true);
                case "--dir" -> options = options.withDataDir(Path.of(args[++i]));
                default -> {
                    System.err.println("usage: ./fleet redis [--port N] [--aof] [--dir PATH]");
                    System.exit(2);
                }
            }
        }
        RedisProcess redis;
        try {
            redis = RedisProcess.start(options);
        } catch (IllegalStateException e) {
            System.err.println(
                    "fleet: could not start Redis on port " + options.port() + " (is one already running there?"
                            + " then use it: export REDIS_URL=redis://127.0.0.1:" + options.port()
                            + ", or pick another port with"
                            + " ./fleet redis --port N)");
            System.err.println("  " + e.getMessage().lines().findFirst().orElse(""));
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            redis.close();
            stopped.countDown();
        }));
        System.out.println("Redis running at " + redis.uri() + " (" + redis.describe() + "); Ctrl-C stops it.");
        System.out.println("  export REDIS_URL=" + redis.uri());
        stopped.await();
    }
}
