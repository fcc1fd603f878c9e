package io.agentfleet.tools.redis;

import io.agentfleet.testsupport.RedisCluster;
import io.agentfleet.testsupport.RedisProcess;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./fleet redis [--port N] [--aof] [--dir PATH]}: a local Redis in the foreground until Ctrl-C; {@code ./fleet
 * redis --cluster [--aof]}: a local Redis Cluster of 3 primaries + 3 replicas on free loopback ports instead.
 */
public final class RedisMain {
    private RedisMain() {}

    public static void main(String[] args) throws InterruptedException {
        RedisProcess.Options options = RedisProcess.Options.defaults().withPort(6379);
        boolean cluster = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> options = options.withPort(Integer.parseInt(args[++i]));
                case "--aof" -> options = options.withAof(true);
                case "--dir" -> options = options.withDataDir(Path.of(args[++i]));
                case "--cluster" -> cluster = true;
                default -> {
                    System.err.println("usage: ./fleet redis [--port N] [--aof] [--dir PATH] | --cluster [--aof]");
                    System.exit(2);
                }
            }
        }
        if (cluster) {
            runCluster(RedisCluster.Options.defaults().withAof(options.aof()));
            return;
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

    private static void runCluster(RedisCluster.Options options) throws InterruptedException {
        RedisCluster cluster = RedisCluster.start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            cluster.close();
            stopped.countDown();
        }));
        System.out.println(
                "Redis Cluster running (3 primaries + 3 replicas): " + cluster.describe() + "; Ctrl-C stops" + " it.");
        for (RedisCluster.Node node : cluster.nodes()) {
            System.out.println("  " + node.uri() + "  " + node.role().name().toLowerCase(Locale.ROOT));
        }
        // One node is enough: the fleet detects cluster_enabled:1 and discovers the others; the seed list also works.
        System.out.println("  export REDIS_URL=" + cluster.uri());
        System.out.println("  (or the seed list: export REDIS_URL=" + cluster.seedUri() + ")");
        stopped.await();
    }
}
