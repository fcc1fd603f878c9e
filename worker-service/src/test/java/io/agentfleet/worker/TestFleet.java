package io.agentfleet.worker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.FleetScripts;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.Priority;
import io.agentfleet.messages.ScriptCall;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.ServerPort;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.commands.JedisCommands;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The producer side and the Redis probes the worker tests use (Jedis + the shared ENQUEUE script). They take any
 * Jedis client: a test that must also hold on a Redis Cluster passes {@code redis.client()}, which follows each
 * key to its shard (every key of one agent type shares a hash tag, so ENQUEUE and the done-key pattern stay on one).
 */
final class TestFleet {
    static final StreamKeys KEYS = StreamKeys.DEFAULT;
    static final MessageCodec CODEC = new MessageCodec();
    static final Duration STARTUP = Duration.ofSeconds(90);

    private TestFleet() {}

    static ObjectNode content(String json) {
        return CODEC.parseObject(json);
    }

    static AgentMessage task(String agent, String contentJson) {
        return AgentMessage.request(agent, content(contentJson)).build();
    }

    /** Enqueues through ENQUEUE (unbounded backlog); returns the entry ids. */
    @SuppressWarnings("unchecked")
    static List<String> enqueue(JedisCommands jedis, String agent, List<AgentMessage> tasks) {
        List<String> ids = new ArrayList<>();
        for (int from = 0; from < tasks.size(); from += 500) {
            List<String> args = new ArrayList<>();
            args.add("0");
            for (AgentMessage t : tasks.subList(from, Math.min(tasks.size(), from + 500))) {
                args.add(CODEC.encode(t));
            }
            ids.addAll((List<String>)
                    jedis.eval(FleetScripts.ENQUEUE.source(), List.of(KEYS.tasks(agent), KEYS.config(agent)), args));
        }
        return ids;
    }

    /** Enqueues through one ENQUEUE onto the stream of {@code priority} (unbounded backlog); returns the entry ids. */
    @SuppressWarnings("unchecked")
    static List<String> enqueue(JedisCommands jedis, String agent, Priority priority, List<AgentMessage> tasks) {
        List<byte[]> messages = tasks.stream().map(t -> CODEC.encodeUtf8(t)).toList();
        ScriptCall call = FleetScripts.enqueue(KEYS, agent, 0, priority, 0, messages, List.of());
        List<String> args = call.args().stream()
                .map(bytes -> new String(bytes, StandardCharsets.UTF_8))
                .toList();
        return (List<String>) jedis.eval(FleetScripts.ENQUEUE.source(), call.keys(), args);
    }

    static String enqueue(JedisCommands jedis, AgentMessage task) {
        return enqueue(jedis, task.recipient(), List.of(task)).get(0);
    }

    /** Appends raw text as a task entry, bypassing every check (for malformed-message tests). */
    static String enqueueRaw(JedisCommands jedis, String agent, String text) {
        return jedis.xadd(KEYS.tasks(agent), StreamEntryID.NEW_ENTRY, Map.of(StreamKeys.MESSAGE_FIELD, text))
                .toString();
    }

    static List<StreamEntry> results(JedisCommands jedis, String agent) {
        return jedis.xrange(KEYS.results(agent), (StreamEntryID) null, (StreamEntryID) null);
    }

    static Map<String, Integer> resultCountByTask(JedisCommands jedis, String agent) {
        Map<String, Integer> counts = new HashMap<>();
        for (StreamEntry e : results(jedis, agent)) {
            counts.merge(e.getFields().get("taskId"), 1, Integer::sum);
        }
        return counts;
    }

    static List<StreamEntry> deadLetters(JedisCommands jedis, String agent) {
        return jedis.xrange(KEYS.dead(agent), (StreamEntryID) null, (StreamEntryID) null);
    }

    /** The recorded outcome of a task, or null. */
    static AgentMessage outcome(JedisCommands jedis, String agent, String taskId) {
        String json = jedis.get(KEYS.done(agent, taskId));
        return json == null ? null : CODEC.decode(json);
    }

    static long doneCount(JedisCommands jedis, String agent) {
        return jedis.keys(KEYS.done(agent, "x").replace(":x", ":*")).size();
    }

    /** Redis's clock in whole seconds as milliseconds, read on the node holding {@code key} (TIME has no key). */
    static long serverTimeMillis(JedisCommands jedis, String key) {
        List<?> time = (List<?>) jedis.eval("return redis.call('TIME')", List.of(key), List.of());
        Object seconds = time.get(0);
        String text =
                seconds instanceof byte[] bytes ? new String(bytes, StandardCharsets.US_ASCII) : seconds.toString();
        return Long.parseLong(text) * 1000;
    }

    /** A worker process on the test class path, quick to start, with short leases; more env via {@code extra}. */
    static JavaProcess.Builder worker(String redisUri, String agents, String... extra) {
        JavaProcess.Builder builder = JavaProcess.builder(WorkerApplication.class.getName())
                .jvmArg("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m")
                .env("REDIS_URL", redisUri)
                .env("FLEET_AGENTS", agents)
                .env("MICRONAUT_SERVER_PORT", ServerPort.RANDOM)
                .env("FLEET_DEFAULTS_CLAIM_AFTER", "2s")
                .env("FLEET_DEFAULTS_LEASE", "1s")
                .env("FLEET_DEFAULTS_BACKOFF_BASE", "50ms")
                .env("FLEET_DEFAULTS_BACKOFF_MAX", "200ms")
                .env("FLEET_READ_BLOCK", "500ms")
                .env("FLEET_PROMOTE_INTERVAL", "50ms");
        for (int i = 0; i + 1 < extra.length; i += 2) {
            builder.env(extra[i], extra[i + 1]);
        }
        return builder;
    }

    /** Starts a worker and waits until every one of its consumer loops reads. */
    static JavaProcess startWorker(JavaProcess.Builder builder, String... agents) {
        JavaProcess process = builder.start();
        process.awaitLog("Startup completed", STARTUP);
        for (String agent : agents) {
            process.awaitLog("reading " + KEYS.tasks(agent), STARTUP);
        }
        return process;
    }

    /** The HTTP port the worker's server bound (MICRONAUT_SERVER_PORT -1: the kernel picks it). */
    static int httpPort(JavaProcess process) {
        return ServerPort.of(process);
    }
}
