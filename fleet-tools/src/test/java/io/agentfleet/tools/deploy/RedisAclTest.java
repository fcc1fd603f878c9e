package io.agentfleet.tools.deploy;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.client.FleetClient;
import io.agentfleet.client.TaskHandle;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.FleetScripts;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.MessageType;
import io.agentfleet.messages.Priority;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.testsupport.Await;
import io.agentfleet.testsupport.JavaProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.AccessControlUser;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.util.SafeEncoder;

/**
 * Proves deploy/users.acl against a real Redis and the real worker: a worker user reaches only its own agent type's
 * keys, the producer user can only enqueue (through the shared ENQUEUE script), and a worker process logged in as
 * {@code worker-coder} completes tasks enqueued by {@code producer} without being refused anything. Every client
 * family's command list ({@link ClientCommands}: KEDA's scaler, the services' Lettuce layer, fleet-client's Jedis
 * layer, the exporter) runs against a standalone server and a one-node cluster: what a family sends must be allowed,
 * what it does not need must be refused.
 */
class RedisAclTest {
    private static final String AGENT = "coder";
    private static final String OTHER_AGENT = "planner";
    private static final String WORKER_USER = "worker-" + AGENT;
    private static final StreamKeys KEYS = StreamKeys.DEFAULT;
    private static final int TASKS = 20;
    private static final Duration OUTCOMES_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration WORKER_STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final String WORKER_MAIN = "io.agentfleet.worker.WorkerApplication";

    private static final String STANDALONE = "standalone";
    private static final String CLUSTER = "cluster";
    private static final long BACKLOG = 3;
    private static final long PARTITION_BACKLOG = 2;

    private static AclRedis redis;
    private static AclRedis clusterNode;
    private static Path root;

    @BeforeAll
    static void startRedisWithTheProjectAcl() {
        root = ProjectRoot.find();
        redis = AclRedis.start(root.resolve("deploy/users.acl"));
        clusterNode = AclRedis.startClusterNode(root.resolve("deploy/users.acl"));
    }

    @AfterAll
    static void stopRedis() {
        for (AclRedis server : new AclRedis[] {redis, clusterNode}) {
            if (server != null) {
                server.close();
            }
        }
    }

    @BeforeEach
    void emptyRedis() {
        for (AclRedis server : List.of(redis, clusterNode)) {
            try (Jedis admin = server.as("admin")) {
                admin.flushAll();
            }
        }
    }

    @Test
    void aWorkerConsumesAndAcknowledgesItsOwnTaskStream() {
        String tasks = KEYS.tasks(AGENT);
        try (Jedis worker = redis.as(WORKER_USER)) {
            worker.xgroupCreate(tasks, StreamKeys.WORKERS_GROUP, new StreamEntryID(0, 0), true);
            StreamEntryID added = worker.xadd(tasks, StreamEntryID.NEW_ENTRY, Map.of(StreamKeys.MESSAGE_FIELD, "{}"));
            List<StreamEntry> read = worker.xreadGroupAsMap(
                            StreamKeys.WORKERS_GROUP,
                            "probe",
                            XReadGroupParams.xReadGroupParams().count(10),
                            Map.of(tasks, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY))
                    .get(tasks);
            assertEquals(
                    List.of(added), read.stream().map(StreamEntry::getID).toList(), "entries " + WORKER_USER + " read");
            assertEquals(1, worker.xack(tasks, StreamKeys.WORKERS_GROUP, added), "entries acknowledged");
        }
    }

    @Test
    void aWorkerIsRefusedAnotherAgentTypesTasksAndOutcomes() {
        String otherTasks = KEYS.tasks(OTHER_AGENT);
        String otherDone = KEYS.done(OTHER_AGENT, "x");
        try (Jedis orchestrator = redis.as("orchestrator")) {
            // The stream and group exist, so a refusal can only come from the ACL, not from NOGROUP.
            orchestrator.xgroupCreate(otherTasks, StreamKeys.WORKERS_GROUP, new StreamEntryID(0, 0), true);
            orchestrator.set(otherDone, "{}");
        }
        try (Jedis worker = redis.as(WORKER_USER)) {
            assertAll(
                    refused(
                            "XADD " + otherTasks,
                            () -> worker.xadd(otherTasks, StreamEntryID.NEW_ENTRY, Map.of("msg", "{}"))),
                    refused(
                            "XREADGROUP " + otherTasks,
                            () -> worker.xreadGroupAsMap(
                                    StreamKeys.WORKERS_GROUP,
                                    "probe",
                                    XReadGroupParams.xReadGroupParams().count(1),
                                    Map.of(otherTasks, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY))),
                    refused("XLEN " + otherTasks, () -> worker.xlen(otherTasks)),
                    refused("GET " + otherDone, () -> worker.get(otherDone)),
                    refused("SET " + otherDone, () -> worker.set(otherDone, "forged")),
                    refused(
                            "EVAL with KEYS " + otherDone,
                            () -> worker.eval("return redis.call('GET', KEYS[1])", List.of(otherDone), List.of())),
                    refused(
                            "EVAL reading " + otherDone + " by name",
                            () -> worker.eval("return redis.call('GET', '" + otherDone + "')", List.of(), List.of())));
        }
    }

    @Test
    void theProducerEnqueuesThroughTheSharedScriptButCannotConsumeAckOrDelete() {
        String tasks = KEYS.tasks(AGENT);
        String json = new MessageCodec()
                .encode(AgentMessage.request(AGENT, input("acl probe")).build());
        try (Jedis producer = redis.as("producer")) {
            Object ids = producer.eval(
                    FleetScripts.ENQUEUE.source(),
                    List.of(
                            tasks,
                            KEYS.config(AGENT),
                            KEYS.tasks(AGENT, 0, Priority.HIGH),
                            KEYS.tasks(AGENT, 0, Priority.LOW),
                            KEYS.delayed(AGENT)),
                    List.of("1000", json));
            assertTrue(ids instanceof List<?> list && list.size() == 1, "ENQUEUE as producer returned " + ids);
            assertEquals(1, producer.xlen(tasks), "backlog after the producer's enqueue");
            try (Jedis worker = redis.as(WORKER_USER)) {
                worker.xgroupCreate(tasks, StreamKeys.WORKERS_GROUP, new StreamEntryID(0, 0), false);
            }
            String entry = String.valueOf(((List<?>) ids).getFirst());
            assertAll(
                    refused(
                            "XREADGROUP " + tasks,
                            () -> producer.xreadGroupAsMap(
                                    StreamKeys.WORKERS_GROUP,
                                    "thief",
                                    XReadGroupParams.xReadGroupParams().count(1),
                                    Map.of(tasks, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY))),
                    refused(
                            "XACK " + tasks,
                            () -> producer.xack(tasks, StreamKeys.WORKERS_GROUP, new StreamEntryID(entry))),
                    refused("DEL " + tasks, () -> producer.del(tasks)),
                    refused(
                            "ENQUEUE with a done key in place of the config hash",
                            () -> producer.eval(
                                    FleetScripts.ENQUEUE.source(),
                                    List.of(
                                            tasks,
                                            KEYS.done(AGENT, "x"),
                                            KEYS.tasks(AGENT, 0, Priority.HIGH),
                                            KEYS.tasks(AGENT, 0, Priority.LOW),
                                            KEYS.delayed(AGENT)),
                                    List.of("1000", json))));
            assertEquals(1, producer.xlen(tasks), "the refused commands changed the task stream");
        }
    }

    // ------------------------------------------------------------------ the command model of every client family

    static Stream<Arguments> clientFamiliesOnBothBackends() {
        return Stream.of(STANDALONE, CLUSTER)
                .flatMap(backend -> ClientCommands.all().stream().map(client -> Arguments.of(backend, client)));
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("clientFamiliesOnBothBackends")
    void everyCommandAClientFamilySendsIsAllowed(String backend, ClientCommands client) {
        AclRedis server = server(backend);
        prepareTheKeysTheModelTouches(server);
        List<String> failures = new ArrayList<>();
        try (Jedis connection = server.as(client.user(), client.login())) {
            for (List<String> command : client.sends()) {
                try {
                    send(connection, command);
                } catch (JedisDataException e) {
                    boolean clusterCommandOnStandalone = !server.isCluster()
                            && "CLUSTER".equalsIgnoreCase(command.getFirst())
                            && String.valueOf(e.getMessage()).contains("cluster support disabled");
                    if (!clusterCommandOnStandalone) {
                        failures.add(shown(command) + " -> " + e.getMessage());
                    }
                }
            }
        }
        assertEquals(List.of(), failures, "commands " + client + " sends that failed on " + server);
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("clientFamiliesOnBothBackends")
    void whatAClientFamilyDoesNotNeedIsRefused(String backend, ClientCommands client) {
        AclRedis server = server(backend);
        prepareTheKeysTheModelTouches(server);
        List<String> notRefused = new ArrayList<>();
        try (Jedis connection = server.as(client.user(), client.login())) {
            for (List<String> command : client.refused()) {
                try {
                    Object reply = send(connection, command);
                    notRefused.add(shown(command) + " -> ran: " + reply);
                } catch (JedisDataException e) {
                    if (!isAclRefusal(e)) {
                        notRefused.add(shown(command) + " -> failed, but not by the ACL: " + e.getMessage());
                    }
                }
            }
        }
        assertEquals(List.of(), notRefused, "commands " + client + " must be refused on " + server);
    }

    /** KEDA's lag trigger works only if INFO answers with redis_version >= 7 and XINFO GROUPS shows the lag. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {STANDALONE, CLUSTER})
    void kedaReadsTheRedisVersionAndTheLagOfEveryPartitionAsItsScalerDoes(String backend) {
        AclRedis server = server(backend);
        prepareTheKeysTheModelTouches(server);
        try (Jedis keda = server.as("keda", RedisProtocol.RESP3)) {
            // redis_streams_scaler.go: split INFO into lines, field redis_version, major version >= 7.
            String version = keda.info()
                    .lines()
                    .filter(line -> line.startsWith("redis_version:"))
                    .map(line -> line.substring("redis_version:".length()).trim())
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("INFO as keda has no redis_version line"));
            assertTrue(
                    Integer.parseInt(version.split("\\.")[0]) >= 7,
                    "KEDA's lagCount needs Redis 7+, INFO says " + version);
            assertAll(
                    () -> assertEquals(
                            BACKLOG, lag(keda, KEYS.tasks(AGENT)), "lag of group workers on " + KEYS.tasks(AGENT)),
                    () -> assertEquals(
                            PARTITION_BACKLOG,
                            lag(keda, StreamKeys.DEFAULT.tasks(AGENT, ClientCommands.PARTITION)),
                            "lag of group workers on " + StreamKeys.DEFAULT.tasks(AGENT, ClientCommands.PARTITION)),
                    () -> assertEquals(
                            1L,
                            keda.xlen(KEYS.tasks(OTHER_AGENT)),
                            "XLEN, KEDA's lag when the stream has no group workers yet"),
                    () -> assertEquals(
                            0L,
                            keda.xpending(KEYS.tasks(AGENT), StreamKeys.WORKERS_GROUP)
                                    .getTotal(),
                            "pending entries KEDA sees"));
        }
    }

    /** Nothing beyond the model: the keda user's command rules are exactly what the scaler sends. */
    @Test
    void theKedaUserIsGrantedExactlyTheCommandsOfTheScaler() {
        try (Jedis admin = redis.as("admin")) {
            AccessControlUser keda = admin.aclGetUser("keda");
            assertEquals(
                    new TreeSet<>(List.of(
                            "-@all", "+ping", "+info", "+cluster|slots", "+xinfo|groups", "+xlen", "+xpending")),
                    new TreeSet<>(List.of(keda.getCommands().split(" "))),
                    "command rules of the keda user");
            assertEquals(
                    "%R~fleet:{*}:tasks %R~fleet:{*}:tasks:high %R~fleet:{*}:tasks:low",
                    String.valueOf(keda.getKeys()),
                    "key patterns of the keda user: the task stream of every priority level, read-only");
        }
    }

    @Test
    void theWorkerRunsUnderItsOwnAclUserAndRecordsEveryOutcome() {
        Path jar = root.resolve("worker-service/target/worker-service.jar");
        assertTrue(
                Files.isRegularFile(jar),
                jar + " is missing; build it first: mvn -B -o -q -pl worker-service -am install -DskipTests");
        try (JavaProcess worker = JavaProcess.builder(WORKER_MAIN)
                .classPath(jar.toString())
                .env("REDIS_URL", redis.uri(WORKER_USER))
                .env("FLEET_AGENTS", AGENT)
                .env("MICRONAUT_SERVER_PORT", "-1")
                // Short lease and claim-after so that lease renewal (XCLAIM) and reclaiming (XAUTOCLAIM) run while
                // the tasks are in flight, and a command the ACL misses shows up as NOPERM in the log.
                .sysProp("fleet.demo-agents.delay", "400ms..800ms")
                .sysProp("fleet.agents." + AGENT + ".lease", "1s")
                .sysProp("fleet.agents." + AGENT + ".claim-after", "1s")
                .jvmArg("-Xmx256m", "-XX:TieredStopAtLevel=1")
                .start()) {
            List<String> taskIds = submitAsProducer();
            awaitOutcomes(worker, taskIds);
            assertEveryOutcomeIsAResult(taskIds);
            worker.sigterm();
            worker.waitFor(WORKER_STOP_TIMEOUT);
            List<String> refusals = worker.logText()
                    .lines()
                    .filter(line -> line.contains("NOPERM"))
                    .toList();
            assertEquals(List.of(), refusals, "commands the ACL refused the worker (log " + worker.logFile() + ")");
        }
    }

    private List<String> submitAsProducer() {
        List<String> taskIds = new ArrayList<>();
        try (FleetClient producer = FleetClient.connect(redis.uri("producer"))) {
            for (int i = 0; i < TASKS; i++) {
                TaskHandle handle =
                        producer.submit(AGENT, input("write a function that removes duplicates, variant " + i));
                taskIds.add(handle.taskId());
            }
        }
        return taskIds;
    }

    private static void awaitOutcomes(JavaProcess worker, List<String> taskIds) {
        try (Jedis orchestrator = redis.as("orchestrator")) {
            Await.until(
                    OUTCOMES_TIMEOUT,
                    () -> {
                        if (!worker.isAlive()) {
                            throw new AssertionError("the worker exited:\n" + worker.logText());
                        }
                        return taskIds.stream().allMatch(id -> orchestrator.exists(KEYS.done(AGENT, id)));
                    },
                    "outcomes of all " + TASKS + " tasks recorded by the worker logged in as " + WORKER_USER
                            + " (worker log " + worker.logFile() + ")");
        }
    }

    private static void assertEveryOutcomeIsAResult(List<String> taskIds) {
        MessageCodec codec = new MessageCodec();
        try (Jedis orchestrator = redis.as("orchestrator")) {
            List<Executable> checks = new ArrayList<>();
            for (String id : taskIds) {
                checks.add(() -> {
                    AgentMessage outcome = codec.decode(orchestrator.get(KEYS.done(AGENT, id)));
                    assertEquals(MessageType.RESULT, outcome.type(), "outcome of task " + id + ": " + outcome);
                });
            }
            checks.add(() ->
                    assertEquals(TASKS, orchestrator.xlen(KEYS.results(AGENT)), "entries on " + KEYS.results(AGENT)));
            checks.add(() ->
                    assertEquals(0, orchestrator.xlen(KEYS.tasks(AGENT)), "backlog left on " + KEYS.tasks(AGENT)));
            checks.add(
                    () -> assertEquals(0, orchestrator.xlen(KEYS.dead(AGENT)), "dead letters on " + KEYS.dead(AGENT)));
            assertAll(checks);
        }
    }

    private static ObjectNode input(String task) {
        ObjectNode content = JsonNodeFactory.instance.objectNode();
        content.putObject("input").put("task", task);
        return content;
    }

    private static AclRedis server(String backend) {
        return CLUSTER.equals(backend) ? clusterNode : redis;
    }

    /** The streams and groups the command model reads, created as admin, so a refusal can only come from the ACL. */
    private static void prepareTheKeysTheModelTouches(AclRedis server) {
        try (Jedis admin = server.as("admin")) {
            addBacklog(admin, KEYS.tasks(AGENT), BACKLOG);
            addBacklog(admin, StreamKeys.DEFAULT.tasks(AGENT, ClientCommands.PARTITION), PARTITION_BACKLOG);
            // The other priority levels' streams, which a worker reads and KEDA watches beside the NORMAL one.
            addBacklog(admin, StreamKeys.DEFAULT.tasks(AGENT, ClientCommands.PARTITION, Priority.HIGH), 0);
            addBacklog(admin, StreamKeys.DEFAULT.tasks(AGENT, ClientCommands.PARTITION, Priority.LOW), 0);
            addBacklog(admin, StreamKeys.DEFAULT.tasks(AGENT, 0, Priority.LOW), 0);
            // A stream whose group does not exist yet: KEDA falls back to XLEN.
            admin.xadd(KEYS.tasks(OTHER_AGENT), StreamEntryID.NEW_ENTRY, Map.of(StreamKeys.MESSAGE_FIELD, "{}"));
            admin.sadd(StreamKeys.DEFAULT.agents(), OTHER_AGENT);
        }
    }

    private static void addBacklog(Jedis admin, String stream, long entries) {
        admin.xgroupCreate(stream, StreamKeys.WORKERS_GROUP, new StreamEntryID(0, 0), true);
        for (long i = 0; i < entries; i++) {
            admin.xadd(stream, StreamEntryID.NEW_ENTRY, Map.of(StreamKeys.MESSAGE_FIELD, "{}"));
        }
    }

    private static long lag(Jedis keda, String stream) {
        return keda.xinfoGroups(stream).stream()
                .filter(group -> StreamKeys.WORKERS_GROUP.equals(group.getName()))
                .map(group -> ((Number) group.getGroupInfo().get("lag")).longValue())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no group " + StreamKeys.WORKERS_GROUP + " on " + stream));
    }

    private static Object send(Jedis connection, List<String> command) {
        ProtocolCommand name = () -> SafeEncoder.encode(command.getFirst());
        return connection.sendCommand(name, command.subList(1, command.size()).toArray(String[]::new));
    }

    private static String shown(List<String> command) {
        String text = String.join(" ", command);
        return text.length() > 120 ? text.substring(0, 120) + "…" : text;
    }

    private static boolean isAclRefusal(JedisDataException e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("NOPERM") || message.contains("user executing the script can't");
    }

    /** A check that {@code call} is refused by the ACL (NOPERM, or the script variant of it). */
    private static Executable refused(String what, Executable call) {
        return () -> {
            JedisDataException e = assertThrows(JedisDataException.class, call, what + " should be refused by the ACL");
            assertTrue(isAclRefusal(e), what + " failed, but not because of the ACL: " + e.getMessage());
        };
    }
}
