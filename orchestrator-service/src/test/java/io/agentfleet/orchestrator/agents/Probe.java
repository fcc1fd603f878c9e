package io.agentfleet.orchestrator.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import java.net.URI;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.UnifiedJedis;

/**
 * What test agents share: they count every invocation per wire task id in Redis ({@value #INVOCATIONS}), so tests can
 * prove a task ran once, and read switches that tests flip.
 */
public final class Probe {
    public static final String INVOCATIONS = "test:invocations";
    public static final String FIXED = "test:flaky-fixed";
    private static volatile UnifiedJedis jedis;

    private Probe() {}

    /** A client for REDIS_URL; when it names a node of a Redis Cluster, a cluster client seeded by that node. */
    static UnifiedJedis redis() {
        if (jedis == null) {
            synchronized (Probe.class) {
                if (jedis == null) {
                    URI uri = URI.create(System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379"));
                    boolean cluster;
                    try (Jedis node = new Jedis(uri)) {
                        cluster = node.info("cluster").contains("cluster_enabled:1");
                    }
                    jedis = cluster
                            ? new JedisCluster(new HostAndPort(uri.getHost(), uri.getPort()))
                            : new JedisPooled(uri);
                }
            }
        }
        return jedis;
    }

    static void invoked(AgentMessage task) {
        redis().hincrBy(INVOCATIONS, task.taskId(), 1);
    }

    static JsonNode json(String text) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static JsonNode input(AgentMessage task) {
        return task.content().has("input") ? task.content().get("input") : task.content();
    }

    static ObjectNode context(AgentMessage task) {
        JsonNode c = task.content().get("context");
        return c instanceof ObjectNode o ? o : task.content().objectNode();
    }

    static int revision(AgentMessage task) {
        return task.content().path("revision").asInt(0);
    }
}
