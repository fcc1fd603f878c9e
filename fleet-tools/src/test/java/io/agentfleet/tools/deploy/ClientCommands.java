package io.agentfleet.tools.deploy;

import io.agentfleet.messages.Due;
import io.agentfleet.messages.FleetScripts;
import io.agentfleet.messages.Priority;
import io.agentfleet.messages.ScriptCall;
import io.agentfleet.messages.StreamKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.RedisProtocol;

/**
 * What each client family sends to Redis, command by command, with the ACL user it logs in as, and what that user
 * must be refused. deploy/users.acl grants exactly this; RedisAclTest runs every list against a real redis-server
 * loaded with that file (standalone and a one-node cluster). When a client starts sending a new command, add it here
 * first: the test then shows whether users.acl lets it through.
 *
 * @param family who sends it and which source the list was read from
 * @param user the ACL user
 * @param login RESP3 = {@code HELLO 3 AUTH user password} (Lettuce 6, go-redis 9), RESP2 = {@code AUTH user password}
 *     (Jedis without a protocol); both are no-auth commands that every user may send
 * @param sends the commands in the order the client sends them; each must be allowed
 * @param refused commands the user must be refused with NOPERM
 */
record ClientCommands(
        String family, String user, RedisProtocol login, List<List<String>> sends, List<List<String>> refused) {

    static final String AGENT = "coder";
    static final String OTHER_AGENT = "planner";
    /** The partitions of {@link #AGENT} the commands touch: 0 is today's layout, 2 a further partition. */
    static final int PARTITION = 2;

    static final String RUN_CANCEL = StreamKeys.DEFAULT.runCancel("r1");
    /** The worker's checkpoint save (a worker-service resource, not on this classpath): XPENDING, HSET, EXPIRE. */
    static final String CHECKPOINT_SCRIPT =
            readSource("../worker-service/src/main/resources/io/agentfleet/worker/checkpoint/checkpoint.lua");

    static final String RUN_STATE = StreamKeys.DEFAULT.runState("r1");

    ClientCommands {
        sends = List.copyOf(sends);
        refused = List.copyOf(refused);
    }

    @Override
    public String toString() {
        return family + " as " + user;
    }

    static List<ClientCommands> all() {
        return List.of(keda(), worker(), orchestrator(), producer(), exporter());
    }

    /**
     * KEDA 2.20.2 pkg/scalers/redis_streams_scaler.go and redis_scaler.go (go-redis 9.19.0): the client is created with
     * a PING; the cluster client (redis-cluster-streams) loads its slot map with CLUSTER SLOTS; a lagCount trigger
     * polls INFO (it parses redis_version and refuses a Redis older than 7), then XINFO GROUPS, and XLEN when the group
     * does not exist yet; a pendingEntriesCount trigger polls XPENDING stream group. go-redis also pipelines CLIENT
     * SETINFO after the handshake and ignores a refusal, so it is not granted (Redis 7.0 lacks the command).
     */
    static ClientCommands keda() {
        String tasks = StreamKeys.DEFAULT.tasks(AGENT);
        String partitionTasks = StreamKeys.DEFAULT.tasks(AGENT, PARTITION);
        return new ClientCommands(
                "KEDA redis-streams / redis-cluster-streams scaler",
                "keda",
                RedisProtocol.RESP3,
                List.of(
                        cmd("PING"),
                        cmd("CLUSTER", "SLOTS"),
                        cmd("INFO"),
                        cmd("XINFO", "GROUPS", tasks),
                        cmd("INFO"),
                        cmd("XINFO", "GROUPS", partitionTasks),
                        cmd("XLEN", StreamKeys.DEFAULT.tasks(OTHER_AGENT)),
                        cmd("XPENDING", tasks, StreamKeys.WORKERS_GROUP),
                        cmd("XPENDING", partitionTasks, StreamKeys.WORKERS_GROUP),
                        cmd("XINFO", "GROUPS", StreamKeys.DEFAULT.tasks(AGENT, PARTITION, Priority.HIGH)),
                        cmd("XPENDING", StreamKeys.DEFAULT.tasks(AGENT, 0, Priority.LOW), StreamKeys.WORKERS_GROUP)),
                List.of(
                        cmd("CONFIG", "GET", "masterauth"),
                        cmd("XADD", tasks, "*", StreamKeys.MESSAGE_FIELD, "{}"),
                        cmd("XRANGE", tasks, "-", "+"),
                        cmd("XINFO", "STREAM", tasks, "FULL"),
                        cmd("XINFO", "GROUPS", StreamKeys.DEFAULT.results(AGENT)),
                        cmd("GET", StreamKeys.DEFAULT.done(AGENT, "t1")),
                        cmd("SMEMBERS", StreamKeys.DEFAULT.agents()),
                        cmd("CLUSTER", "NODES"),
                        cmd("CLIENT", "LIST"),
                        cmd("SCAN", "0"),
                        cmd("KEYS", "*")));
    }

    /**
     * A worker of type coder through the services' Lettuce layer (fleet-lettuce, CONTRACT.md): mode detection with
     * INFO cluster; on a cluster Lettuce 6.8's topology refresh (DefaultClusterTopologyRefresh, Connections
     * requestTopology/requestInfo) sends CLUSTER NODES and INFO to every node; the registry SADD; its partitions'
     * streams, scripts, retries and done keys; the cancel flag read-only; WAIT for the durability setting; the consumer
     * reaper's pass over its partitions' workers groups.
     */
    static ClientCommands worker() {
        String tasks = StreamKeys.DEFAULT.tasks(AGENT, PARTITION);
        return new ClientCommands(
                "worker (Lettuce 6.8)",
                "worker-" + AGENT,
                RedisProtocol.RESP3,
                List.of(
                        cmd("PING"),
                        cmd("CLIENT", "SETNAME", "fleet-worker"),
                        cmd("INFO", "cluster"),
                        cmd("CLUSTER", "NODES"),
                        cmd("INFO"),
                        cmd("SADD", StreamKeys.DEFAULT.agents(), AGENT),
                        cmd("HGET", StreamKeys.DEFAULT.config(AGENT, 0), "partitions"),
                        cmd("HSET", StreamKeys.DEFAULT.config(AGENT, 0), "partitions", "3"),
                        cmd(
                                "XGROUP",
                                "CREATE",
                                StreamKeys.DEFAULT.tasks(AGENT, 1),
                                StreamKeys.WORKERS_GROUP,
                                "0",
                                "MKSTREAM"),
                        cmd(
                                "XREADGROUP",
                                "GROUP",
                                StreamKeys.WORKERS_GROUP,
                                "pod-1",
                                "COUNT",
                                "10",
                                "STREAMS",
                                tasks,
                                ">"),
                        cmd(
                                "XREADGROUP",
                                "GROUP",
                                StreamKeys.WORKERS_GROUP,
                                "pod-1",
                                "COUNT",
                                "1",
                                "BLOCK",
                                "1",
                                "STREAMS",
                                StreamKeys.DEFAULT.tasks(AGENT, PARTITION, Priority.HIGH),
                                tasks,
                                StreamKeys.DEFAULT.tasks(AGENT, PARTITION, Priority.LOW),
                                ">",
                                ">",
                                ">"),
                        cmd("EXISTS", RUN_CANCEL),
                        cmd("GET", RUN_CANCEL),
                        cmd("XCLAIM", tasks, StreamKeys.WORKERS_GROUP, "pod-1", "0", "0-1"),
                        cmd("XAUTOCLAIM", tasks, StreamKeys.WORKERS_GROUP, "pod-1", "60000", "0-0", "COUNT", "10"),
                        cmd("XPENDING", tasks, StreamKeys.WORKERS_GROUP),
                        cmd("SCRIPT", "LOAD", "return redis.call('XLEN', KEYS[1])"),
                        cmd("EVAL", "return redis.call('XLEN', KEYS[1])", "1", tasks),
                        cmd("SET", StreamKeys.DEFAULT.done(AGENT, PARTITION, "t1"), "{}", "NX"),
                        cmd("ZADD", StreamKeys.DEFAULT.delayed(AGENT, PARTITION), "1", "m"),
                        cmd("ZRANGEBYSCORE", StreamKeys.DEFAULT.delayed(AGENT, PARTITION), "0", "1"),
                        script(FleetScripts.promote(StreamKeys.DEFAULT, AGENT, PARTITION, 1000)),
                        cmd("XADD", StreamKeys.DEFAULT.results(AGENT, PARTITION), "*", StreamKeys.MESSAGE_FIELD, "{}"),
                        cmd("XACK", tasks, StreamKeys.WORKERS_GROUP, "0-1"),
                        cmd(
                                "EVAL",
                                CHECKPOINT_SCRIPT,
                                "2",
                                tasks,
                                StreamKeys.DEFAULT.checkpoint(AGENT, PARTITION, "t1"),
                                StreamKeys.WORKERS_GROUP,
                                "0-1",
                                "pod-1",
                                "{}",
                                "1",
                                "0",
                                "60"),
                        cmd("HSET", StreamKeys.DEFAULT.checkpoint(AGENT, PARTITION, "t1"), "data", "{}"),
                        cmd("EXPIRE", StreamKeys.DEFAULT.checkpoint(AGENT, PARTITION, "t1"), "60"),
                        cmd("HGETALL", StreamKeys.DEFAULT.checkpoint(AGENT, PARTITION, "t1")),
                        cmd("DEL", StreamKeys.DEFAULT.checkpoint(AGENT, PARTITION, "t1")),
                        reap(tasks, StreamKeys.DEFAULT.seen(AGENT, PARTITION, StreamKeys.WORKERS_GROUP), "pod-1"),
                        cmd("WAIT", "1", "10")),
                List.of(
                        cmd("CONFIG", "GET", "maxmemory-policy"),
                        cmd("CONFIG", "GET", "masterauth"),
                        cmd("SREM", StreamKeys.DEFAULT.agents(), OTHER_AGENT),
                        cmd("DEL", StreamKeys.DEFAULT.agents()),
                        cmd("XADD", StreamKeys.DEFAULT.tasks(OTHER_AGENT), "*", StreamKeys.MESSAGE_FIELD, "{}"),
                        cmd("XADD", StreamKeys.DEFAULT.tasks(OTHER_AGENT, 1), "*", StreamKeys.MESSAGE_FIELD, "{}"),
                        cmd("GET", StreamKeys.DEFAULT.done(OTHER_AGENT, 1, "t1")),
                        cmd("SET", RUN_CANCEL, "1"),
                        cmd("HGETALL", RUN_STATE),
                        cmd("CLUSTER", "FORGET", "0000000000000000000000000000000000000000"),
                        cmd("CLIENT", "LIST"),
                        cmd("KEYS", "*"),
                        cmd("FLUSHALL")));
    }

    /**
     * The orchestrator through the same Lettuce layer: everything under {@code fleet:*} with data commands, the
     * topology commands, WAIT and the registry; nothing server-wide or secret.
     */
    static ClientCommands orchestrator() {
        String results = StreamKeys.DEFAULT.results(AGENT, PARTITION);
        return new ClientCommands(
                "orchestrator (Lettuce 6.8)",
                "orchestrator",
                RedisProtocol.RESP3,
                List.of(
                        cmd("PING"),
                        cmd("CLIENT", "SETNAME", "fleet-orchestrator"),
                        cmd("INFO", "cluster"),
                        cmd("CLUSTER", "NODES"),
                        cmd("INFO"),
                        cmd("SADD", StreamKeys.DEFAULT.agents(), AGENT),
                        cmd("SMEMBERS", StreamKeys.DEFAULT.agents()),
                        cmd("HGET", StreamKeys.DEFAULT.config(AGENT, 0), "partitions"),
                        cmd("HSET", StreamKeys.DEFAULT.config(AGENT, 0), "partitions", "3"),
                        cmd("XGROUP", "CREATE", results, StreamKeys.ORCHESTRATORS_GROUP, "0", "MKSTREAM"),
                        cmd(
                                "XREADGROUP",
                                "GROUP",
                                StreamKeys.ORCHESTRATORS_GROUP,
                                "o-1",
                                "COUNT",
                                "10",
                                "STREAMS",
                                results,
                                ">"),
                        cmd("XRANGE", StreamKeys.DEFAULT.dead(AGENT, PARTITION), "-", "+", "COUNT", "10"),
                        cmd(
                                "EVAL",
                                FleetScripts.ENQUEUE.source(),
                                "6",
                                StreamKeys.DEFAULT.tasks(AGENT, PARTITION, Priority.HIGH),
                                StreamKeys.DEFAULT.config(AGENT, PARTITION),
                                StreamKeys.DEFAULT.tasks(AGENT, PARTITION),
                                StreamKeys.DEFAULT.tasks(AGENT, PARTITION, Priority.LOW),
                                StreamKeys.DEFAULT.delayed(AGENT, PARTITION),
                                StreamKeys.DEFAULT
                                        .enqueued(AGENT, "t9")
                                        .replace("{" + AGENT + "}", "{" + StreamKeys.tag(AGENT, PARTITION) + "}"),
                                "0",
                                "{}"),
                        script(FleetScripts.schedule(
                                StreamKeys.DEFAULT,
                                AGENT,
                                PARTITION,
                                0,
                                Due.in(Duration.ofHours(1)),
                                List.of("t8"),
                                List.of("{}".getBytes(StandardCharsets.UTF_8)),
                                List.of("t8"))),
                        script(FleetScripts.promote(StreamKeys.DEFAULT, AGENT, PARTITION, 1000)),
                        script(FleetScripts.unschedule(StreamKeys.DEFAULT, AGENT, PARTITION, List.of("t8"))),
                        cmd("HLEN", StreamKeys.DEFAULT.scheduled(AGENT, PARTITION)),
                        cmd("HSET", RUN_STATE, "status", "RUNNING"),
                        cmd("SET", RUN_CANCEL, "1"),
                        reap(results, StreamKeys.DEFAULT.seen(AGENT, PARTITION, StreamKeys.ORCHESTRATORS_GROUP), "o-1"),
                        reap(
                                StreamKeys.DEFAULT.tasks(AGENT, PARTITION),
                                StreamKeys.DEFAULT.seen(AGENT, PARTITION, StreamKeys.WORKERS_GROUP),
                                ""),
                        cmd("WAIT", "1", "10")),
                List.of(
                        cmd("CONFIG", "GET", "maxmemory-policy"),
                        cmd("CONFIG", "GET", "masterauth"),
                        cmd("CONFIG", "SET", "appendonly", "no"),
                        cmd("CLUSTER", "FORGET", "0000000000000000000000000000000000000000"),
                        cmd("GET", "other:key"),
                        cmd("KEYS", "*"),
                        cmd("ACL", "LIST"),
                        cmd("SCRIPT", "FLUSH"),
                        cmd("FUNCTION", "FLUSH"),
                        cmd("FLUSHALL")));
    }

    /**
     * fleet-client and fleetctl's producer side through RedisGateway (Jedis 6.2 UnifiedJedis): mode detection with
     * INFO cluster, JedisCluster's slot cache from CLUSTER SLOTS (JedisClusterInfoCache), the registry SADD, the
     * registered partition count, the ENQUEUE script on any partition, WAIT, reading an outcome, and submitOnce (ENQUEUE
     * with a marker, then the marker, the done key and the entry's place in the stream and its group).
     */
    static ClientCommands producer() {
        String tasks = StreamKeys.DEFAULT.tasks(AGENT, PARTITION);
        return new ClientCommands(
                "producer (fleet-client, Jedis 6.2)",
                "producer",
                RedisProtocol.RESP2,
                List.of(
                        cmd("PING"),
                        cmd("INFO", "cluster"),
                        cmd("CLUSTER", "SLOTS"),
                        cmd("SADD", StreamKeys.DEFAULT.agents(), AGENT),
                        cmd("HGET", StreamKeys.DEFAULT.config(AGENT, 0), "partitions"),
                        cmd("SCRIPT", "LOAD", FleetScripts.ENQUEUE.source()),
                        cmd(
                                "EVAL",
                                FleetScripts.ENQUEUE.source(),
                                "5",
                                tasks,
                                StreamKeys.DEFAULT.config(AGENT, PARTITION),
                                StreamKeys.DEFAULT.tasks(AGENT, PARTITION, Priority.HIGH),
                                StreamKeys.DEFAULT.tasks(AGENT, PARTITION, Priority.LOW),
                                StreamKeys.DEFAULT.delayed(AGENT, PARTITION),
                                "1000",
                                "{}"),
                        cmd(
                                "EVAL",
                                FleetScripts.ENQUEUE.source(),
                                "5",
                                StreamKeys.DEFAULT.tasks(AGENT, 0, Priority.LOW),
                                StreamKeys.DEFAULT.config(AGENT, 0),
                                StreamKeys.DEFAULT.tasks(AGENT, 0, Priority.HIGH),
                                StreamKeys.DEFAULT.tasks(AGENT, 0),
                                StreamKeys.DEFAULT.delayed(AGENT, 0),
                                "0",
                                "{}"),
                        cmd("WAIT", "1", "10"),
                        cmd("XLEN", tasks),
                        cmd("GET", StreamKeys.DEFAULT.done(AGENT, PARTITION, "t1")),
                        script(FleetScripts.schedule(
                                StreamKeys.DEFAULT,
                                AGENT,
                                PARTITION,
                                0,
                                Due.in(Duration.ofHours(1)),
                                List.of("t7"),
                                List.of("{}".getBytes(StandardCharsets.UTF_8)),
                                List.of())),
                        script(FleetScripts.unschedule(StreamKeys.DEFAULT, AGENT, PARTITION, List.of("t7"))),
                        // submitOnce: ENQUEUE with the task's marker, then where an earlier submission is
                        script(FleetScripts.enqueue(
                                StreamKeys.DEFAULT,
                                AGENT,
                                PARTITION,
                                Priority.NORMAL,
                                0,
                                List.of("{}".getBytes(StandardCharsets.UTF_8)),
                                List.of("t8"))),
                        cmd("GET", StreamKeys.DEFAULT.enqueued(AGENT, PARTITION, "t8")),
                        cmd("EXISTS", StreamKeys.DEFAULT.done(AGENT, PARTITION, "t8")),
                        cmd("XPENDING", tasks, StreamKeys.WORKERS_GROUP, "0-1", "0-1", "1"),
                        cmd("XRANGE", tasks, "0-1", "0-1", "COUNT", "1")),
                List.of(
                        cmd("CONFIG", "GET", "maxmemory-policy"),
                        cmd("HSET", StreamKeys.DEFAULT.config(AGENT, 0), "partitions", "64"),
                        cmd(
                                "HSET",
                                StreamKeys.DEFAULT.config(AGENT, PARTITION),
                                StreamKeys.MAX_BACKLOG_FIELD,
                                "999999999"),
                        cmd("SMEMBERS", StreamKeys.DEFAULT.agents()),
                        cmd("SREM", StreamKeys.DEFAULT.agents(), OTHER_AGENT),
                        cmd("DEL", StreamKeys.DEFAULT.agents()),
                        cmd(
                                "XREADGROUP",
                                "GROUP",
                                StreamKeys.WORKERS_GROUP,
                                "thief",
                                "COUNT",
                                "1",
                                "STREAMS",
                                tasks,
                                ">"),
                        cmd("XACK", tasks, StreamKeys.WORKERS_GROUP, "0-1"),
                        cmd("XDEL", tasks, "0-1"),
                        cmd("SET", StreamKeys.DEFAULT.done(AGENT, PARTITION, "t2"), "forged"),
                        cmd("DEL", StreamKeys.DEFAULT.enqueued(AGENT, PARTITION, "t8")),
                        cmd("GET", RUN_STATE),
                        cmd("CLUSTER", "NODES"),
                        cmd("FLUSHALL")));
    }

    /** redis_exporter and the compose healthcheck: server metadata only (unchanged by issue 9). */
    static ClientCommands exporter() {
        return new ClientCommands(
                "redis_exporter",
                "exporter",
                RedisProtocol.RESP2,
                List.of(
                        cmd("PING"),
                        cmd("CLIENT", "SETNAME", "redis_exporter"),
                        cmd("INFO", "ALL"),
                        cmd("CLUSTER", "INFO"),
                        cmd("LATENCY", "LATEST"),
                        cmd("SLOWLOG", "LEN")),
                List.of(
                        cmd("CONFIG", "GET", "masterauth"),
                        cmd("GET", StreamKeys.DEFAULT.done(AGENT, "t1")),
                        cmd("XLEN", StreamKeys.DEFAULT.tasks(AGENT)),
                        cmd("KEYS", "*")));
    }

    /** The consumer reaper's pass over one group (reap_consumers.lua: TIME, HSET, HGETALL, XINFO, XGROUP, HDEL). */
    private static List<String> reap(String stream, String seen, String heartbeatFor) {
        return cmd(
                "EVAL",
                FleetScripts.REAP_CONSUMERS.source(),
                "2",
                stream,
                seen,
                stream.endsWith(":results") ? StreamKeys.ORCHESTRATORS_GROUP : StreamKeys.WORKERS_GROUP,
                "1",
                heartbeatFor,
                "1");
    }

    /** A shared script's call as an EVAL with its keys and arguments (the arguments as UTF-8 text). */
    private static List<String> script(ScriptCall call) {
        List<String> parts = new ArrayList<>();
        parts.add("EVAL");
        parts.add(call.script().source());
        parts.add(Integer.toString(call.keys().size()));
        parts.addAll(call.keys());
        call.args().forEach(a -> parts.add(new String(a, StandardCharsets.UTF_8)));
        return List.copyOf(parts);
    }

    private static List<String> cmd(String... parts) {
        return List.of(parts);
    }

    private static String readSource(String path) {
        try {
            return Files.readString(Path.of(path));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }
}
