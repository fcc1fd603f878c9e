package io.agentfleet.fleetctl;

import static io.agentfleet.client.FakeWorker.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentfleet.client.FakeWorker;
import io.agentfleet.client.FleetClient;
import io.agentfleet.client.FleetClientOptions;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.DeadLetterReason;
import io.agentfleet.messages.Failure;
import io.agentfleet.messages.Metadata;
import io.agentfleet.messages.Priority;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.testsupport.RedisExtension;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.StreamEntry;

class FleetCtlTest {
    @RegisterExtension
    static final RedisExtension redis = RedisExtension.create();

    private static final String CODER = "coder";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final StreamKeys keys = StreamKeys.DEFAULT;
    private UnifiedJedis jedis;
    private FleetClient client;
    private FakeWorker worker;

    record Run(int exitCode, String out, String err) {
        JsonNode json() throws Exception {
            return MAPPER.readTree(out);
        }
    }

    @BeforeEach
    void connect() {
        jedis = redis.client();
        client = FleetClient.connect(redis.uri());
        worker = new FakeWorker(jedis, keys, CODER);
    }

    @AfterEach
    void close() {
        client.close();
        jedis.close();
    }

    private Run fleetctl(String... args) {
        return fleetctlWithInput("", args);
    }

    private Run fleetctlWithInput(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli =
                FleetCtl.commandLine(new FleetCtl(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8))));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("--redis", redis.uri()));
        all.addAll(List.of(args));
        int code = cli.execute(all.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    private List<String> deadLetterIds(int count) {
        for (int i = 0; i < count; i++) {
            client.submit(CODER, json("input", "poison " + i));
        }
        for (StreamEntry entry : worker.take(count)) {
            worker.deadLetter(
                    entry, DeadLetterReason.NON_RETRYABLE_FAILURE, Failure.permanent("HANDLER_ERROR", "bad input"));
        }
        return jedis.xrange(keys.dead(CODER), "-", "+").stream()
                .map(e -> e.getID().toString())
                .toList();
    }

    @Test
    void statusShowsASeededAgentType() throws Exception {
        for (int i = 0; i < 3; i++) {
            client.submit(CODER, json("input", "t" + i));
        }
        worker.take(1);

        Run table = fleetctl("status");
        assertEquals(0, table.exitCode(), table.err());
        assertTrue(table.out().contains("AGENT"), table.out());
        String row =
                table.out().lines().filter(l -> l.startsWith(CODER)).findFirst().orElseThrow();
        assertEquals(List.of("coder", "3", "2", "1"), List.of(row.split("\\s+")).subList(0, 4), row);

        Run json = fleetctl("status", "--json");
        assertEquals(0, json.exitCode(), json.err());
        JsonNode coder = json.json().get(0);
        assertEquals(CODER, coder.get("agent").asText());
        assertEquals(3, coder.get("length").asInt());
        assertEquals(1, coder.get("pending").asInt());
        assertEquals(FakeWorker.NAME, coder.get("consumers").get(0).get("name").asText());
        assertEquals(1, coder.get("live").asInt());
        assertTrue(coder.get("consumers").get(0).get("live").asBoolean());
    }

    @Test
    void statusCountsAConsumerUnseenPastTheThresholdAsNotLive() throws Exception {
        client.submit(CODER, json("input", "t"));
        worker.take(1);
        Thread.sleep(300);

        Run json = fleetctl("status", "--json", "--live-within", "200ms");

        assertEquals(0, json.exitCode(), json.err());
        JsonNode coder = json.json().get(0);
        assertEquals(1, coder.get("consumers").size());
        assertEquals(0, coder.get("live").asInt());
        assertTrue(coder.get("consumers").get(0).get("sinceSeenMs").asLong() >= 200);
        // A heartbeat (what a running worker's reaper pass records) makes it live again.
        jedis.eval(
                "redis.call('HSET', KEYS[1], ARGV[1], redis.call('TIME')[1] * 1000)",
                List.of(keys.seen(CODER, 0, StreamKeys.WORKERS_GROUP)),
                List.of(FakeWorker.NAME));
        JsonNode again =
                fleetctl("status", "--json", "--live-within", "5s").json().get(0);
        assertEquals(1, again.get("live").asInt(), again.toString());
    }

    @Test
    void statusWithNoAgentTypesSaysSo() {
        Run run = fleetctl("status");
        assertEquals(0, run.exitCode());
        assertTrue(run.out().contains("no agent types"), run.out());
    }

    @Test
    void deadListShowsDeadLettersWithTheirReason() throws Exception {
        List<String> ids = deadLetterIds(2);
        Run run = fleetctl("dead", "list", CODER);
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains(ids.get(0)) && run.out().contains(ids.get(1)), run.out());
        assertTrue(run.out().contains("NON_RETRYABLE_FAILURE"), run.out());

        JsonNode json =
                fleetctl("dead", "list", CODER, "--count", "1", "--json").json();
        assertEquals(1, json.size());
        assertEquals(ids.get(0), json.get(0).get("entryId").asText());
    }

    @Test
    void deadShowPrintsTheOriginalOrExitsOneWhenNotFound() throws Exception {
        String id = deadLetterIds(1).getFirst();
        Run run = fleetctl("dead", "show", CODER, id);
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("poison 0"), run.out());
        assertEquals(
                "HANDLER_ERROR: bad input",
                fleetctl("--json", "dead", "show", CODER, id)
                        .json()
                        .get("error")
                        .asText());

        assertEquals(1, fleetctl("dead", "show", CODER, "1-0").exitCode());
    }

    @Test
    void deadRedriveByIdAndAll() {
        List<String> ids = deadLetterIds(3);
        Run one = fleetctl("dead", "redrive", CODER, ids.get(0));
        assertEquals(0, one.exitCode(), one.err());
        assertTrue(one.out().contains("redriven 1 of 1"), one.out());
        assertEquals(1, jedis.xlen(keys.tasks(CODER)));

        Run again = fleetctl("dead", "redrive", CODER, ids.get(0));
        assertEquals(1, again.exitCode(), "already redriven: not found");

        Run all = fleetctl("dead", "redrive", CODER, "--all");
        assertEquals(0, all.exitCode(), all.err());
        assertTrue(all.out().contains("redriven 2"), all.out());
        assertEquals(3, jedis.xlen(keys.tasks(CODER)));
        assertEquals(0, jedis.xlen(keys.dead(CODER)));
        AgentMessage redriven =
                FakeWorker.task(jedis.xrange(keys.tasks(CODER), "-", "+").getLast());
        assertEquals(1, redriven.attempt());
    }

    @Test
    void deadRedriveNeedsEitherAllOrIds() {
        assertEquals(2, fleetctl("dead", "redrive", CODER).exitCode());
        assertEquals(2, fleetctl("dead", "redrive", CODER, "--all", "1-0").exitCode());
    }

    @Test
    void deadPurgeAsksUnlessYes() throws Exception {
        deadLetterIds(2);
        Run refused = fleetctlWithInput("n\n", "dead", "purge", CODER);
        assertEquals(1, refused.exitCode());
        assertEquals(2, jedis.xlen(keys.dead(CODER)), "nothing purged without confirmation");

        Run confirmed = fleetctlWithInput("y\n", "dead", "purge", CODER);
        assertEquals(0, confirmed.exitCode(), confirmed.err());
        assertTrue(confirmed.out().contains("purged 2"), confirmed.out());
        assertEquals(0, jedis.xlen(keys.dead(CODER)));

        deadLetterIds(1);
        JsonNode json = fleetctl("dead", "purge", CODER, "--yes", "--json").json();
        assertEquals(1, json.get("purged").asInt());
    }

    @Test
    void deadPurgeWithATenantDeletesOnlyThatTenantsDeadLetters() throws Exception {
        for (String tenant : List.of("team-a", "team-b", "team-a")) {
            assertEquals(
                    0,
                    fleetctl("submit", CODER, "--input", "{}", "--tenant", tenant)
                            .exitCode());
        }
        for (StreamEntry entry : worker.take(3)) {
            worker.deadLetter(entry, DeadLetterReason.NON_RETRYABLE_FAILURE, Failure.permanent("E", "no"));
        }

        JsonNode json = fleetctl("dead", "purge", CODER, "--tenant", "team-a", "--yes", "--json")
                .json();

        assertEquals(2, json.get("purged").asInt(), json.toString());
        assertEquals("team-a", json.get("tenant").asText());
        JsonNode left = fleetctl("dead", "list", CODER, "--json").json();
        assertEquals(1, left.size(), left.toString());
        assertEquals("team-b", left.get(0).get("tenant").asText());
    }

    @Test
    void submitWithATaskIdAgainEnqueuesNothingAndSaysWhereTheFirstIs() throws Exception {
        Run first = fleetctl("submit", CODER, "--input", "{}", "--task-id", "order-7", "--json");
        assertEquals(0, first.exitCode(), first.err());
        assertEquals("ENQUEUED", first.json().get("submission").asText());
        Run again = fleetctl("submit", CODER, "--input", "{}", "--task-id", "order-7");
        assertEquals(0, again.exitCode(), again.err());
        assertEquals("order-7", again.out().trim());
        assertTrue(again.err().contains("submitted before and is queued"), again.err());
        assertEquals("order-7", FakeWorker.task(worker.takeOne()).taskId());
        assertTrue(worker.take(10).isEmpty(), "enqueued once");
    }

    @Test
    void submitPrintsTheTaskIdAndEnqueuesTheInput() {
        Run run = fleetctl("submit", CODER, "--input", "{\"goal\":\"hello\"}");
        assertEquals(0, run.exitCode(), run.err());
        String taskId = run.out().trim();
        AgentMessage task = FakeWorker.task(worker.takeOne());
        assertEquals(taskId, task.taskId());
        assertEquals("hello", task.content().get("input").get("goal").asText());
    }

    @Test
    void submitWithAPriorityEnqueuesOnThatLevelsStream() {
        Run run = fleetctl("--json", "submit", CODER, "--input", "{}", "--priority", "high");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(1, jedis.xlen(keys.tasks(CODER, 0, Priority.HIGH)));
        Run invalid = fleetctl("submit", CODER, "--input", "{}", "--priority", "urgent");
        assertEquals(2, invalid.exitCode(), invalid.err());
        assertTrue(invalid.err().contains("--priority"), invalid.err());
    }

    @Test
    void submitWithATenantAttributesTheTaskAndItsDeadLetter() throws Exception {
        Run run = fleetctl("submit", CODER, "--input", "{}", "--tenant", "team-a");
        assertEquals(0, run.exitCode(), run.err());
        StreamEntry entry = worker.takeOne();
        assertEquals("team-a", FakeWorker.task(entry).tenant());
        worker.deadLetter(entry, DeadLetterReason.NON_RETRYABLE_FAILURE, Failure.permanent("E", "no"));
        JsonNode listed = fleetctl("dead", "list", CODER, "--json").json();
        assertEquals("team-a", listed.get(0).get("tenant").asText(), listed.toString());

        Run invalid = fleetctl("submit", CODER, "--input", "{}", "--tenant", "team a");
        assertTrue(invalid.exitCode() != 0 && invalid.err().contains("--tenant"), invalid.err());
    }

    @Test
    void submitWithAPartitionKeyAlwaysUsesThatKeysPartition() throws Exception {
        try (FleetClient partitioned = FleetClient.connect(FleetClientOptions.builder()
                .redisUri(redis.uri())
                .partitions("keyed", 3)
                .build())) {
            partitioned.submit("keyed", json("input", "registers three partitions"));
        }
        int expected = StreamKeys.partitionFor("customer-7", 3);
        for (int i = 0; i < 3; i++) {
            Run run =
                    fleetctl("--json", "submit", "keyed", "--input", "\"t" + i + "\"", "--partition-key", "customer-7");
            assertEquals(0, run.exitCode(), run.err());
            assertEquals(expected, run.json().get("partition").asInt(), run.out());
        }
    }

    @Test
    void submitWithWaitPrintsTheResult() throws Exception {
        CompletableFuture<Void> fakeWorker = CompletableFuture.runAsync(() -> {
            try (UnifiedJedis own = redis.client()) {
                FakeWorker async = new FakeWorker(own, keys, CODER);
                async.complete(firstTask(async), json("answer", "42"), new Metadata(1L, 2L, null, null, null, null));
            }
        });
        Run run = fleetctl("--json", "submit", CODER, "--input", "\"question\"", "--wait", "30s");
        fakeWorker.get(30, TimeUnit.SECONDS);
        assertEquals(0, run.exitCode(), run.err());
        JsonNode json = run.json();
        assertEquals("COMPLETED", json.get("status").asText());
        assertEquals("42", json.get("output").get("answer").asText());
        assertEquals(2, json.get("usage").get("tokensOut").asInt());
    }

    @Test
    void submitWaitOfADeadLetteredTaskExitsOne() {
        CompletableFuture<Void> fakeWorker = CompletableFuture.runAsync(() -> {
            try (UnifiedJedis own = redis.client()) {
                FakeWorker async = new FakeWorker(own, keys, CODER);
                StreamEntry entry = firstTask(async);
                async.deadLetter(entry, DeadLetterReason.NON_RETRYABLE_FAILURE, Failure.permanent("E", "no"));
            }
        });
        Run run = fleetctl("submit", CODER, "--input", "{}", "--wait", "30s");
        fakeWorker.join();
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("NON_RETRYABLE_FAILURE"), run.err());
    }

    @Test
    void submitWithADelayIsScheduledShownInStatusAndCancelledOnce() throws Exception {
        Run run = fleetctl("submit", CODER, "--input", "{}", "--delay", "1h", "--json");
        assertEquals(0, run.exitCode(), run.err());
        String taskId = run.json().get("taskId").asText();
        assertTrue(run.json().get("entryId").isNull(), run.out());
        assertTrue(run.json().hasNonNull("dueAt"), run.out());

        JsonNode coder = fleetctl("status", "--json").json().get(0);
        assertEquals(1, coder.get("scheduled").asInt(), coder.toString());
        assertEquals(0, coder.get("delayed").asInt(), coder.toString());
        assertEquals(0, coder.get("length").asInt(), coder.toString());

        Run cancel = fleetctl("cancel", CODER, taskId);
        assertEquals(0, cancel.exitCode(), cancel.err());
        assertEquals("cancelled " + taskId, cancel.out().trim());
        assertEquals(1, fleetctl("cancel", CODER, taskId).exitCode(), "nothing left to cancel");
        assertEquals(
                0, fleetctl("status", "--json").json().get(0).get("scheduled").asInt());
        assertEquals(
                2,
                fleetctl("submit", CODER, "--input", "{}", "--delay", "1h", "--run-at", "2030-01-01T00:00:00Z")
                        .exitCode());
    }

    @Test
    void submitRejectsBadInputWithUsageExitCode() {
        assertEquals(2, fleetctl("submit", CODER, "--input", "{not json").exitCode());
        Run badAgent = fleetctl("submit", "Bad Agent", "--input", "{}");
        assertEquals(2, badAgent.exitCode());
        assertTrue(badAgent.err().contains("recipient"), badAgent.err());
        assertEquals(0, FakeWorker.keyCount(redis));
    }

    @Test
    void runShowPrintsEveryStateFieldOrExitsOne() throws Exception {
        jedis.hset(keys.runState("r1"), Map.of("status", "RUNNING", "createdAt", "1700000000000", "steps", "3"));
        Run run = fleetctl("run", "show", "r1");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(
                run.out().contains("RUNNING")
                        && run.out().contains("steps")
                        && run.out().contains("3"),
                run.out());
        assertEquals(
                "3", fleetctl("run", "show", "r1", "--json").json().get("steps").asText());
        assertEquals(1, fleetctl("run", "show", "nope").exitCode());
    }

    @Test
    void runFollowPrintsEventsUntilRunFinished() {
        String events = keys.runEvents("r2");
        jedis.hset(keys.runState("r2"), Map.of("status", "RUNNING"));
        jedis.xadd(events, StreamEntryID.NEW_ENTRY, Map.of("type", "RUN_STARTED", "data", "{}"));
        CompletableFuture<Void> orchestrator = CompletableFuture.runAsync(() -> {
            try (UnifiedJedis own = redis.client()) {
                sleep(300);
                own.xadd(
                        events,
                        StreamEntryID.NEW_ENTRY,
                        Map.of("type", "TASK_COMPLETED", "data", "{\"taskId\":\"t1\"}"));
                own.hset(keys.runState("r2"), "status", "COMPLETED");
                own.xadd(
                        events,
                        StreamEntryID.NEW_ENTRY,
                        Map.of("type", "RUN_FINISHED", "data", "{\"status\":\"COMPLETED\"}"));
            }
        });
        Run run = fleetctl("run", "follow", "r2", "--timeout", "60s");
        orchestrator.join();
        assertEquals(0, run.exitCode(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals("RUN_STARTED {}", lines.get(0));
        assertEquals("TASK_COMPLETED {\"taskId\":\"t1\"}", lines.get(1));
        assertTrue(lines.get(2).startsWith("RUN_FINISHED"), run.out());
        assertTrue(run.out().contains("finished: COMPLETED"), run.out());
    }

    @Test
    void runFollowOfAFailedRunExitsOneAndOfAnUnknownRunToo() {
        jedis.hset(keys.runState("r3"), Map.of("status", "FAILED"));
        jedis.xadd(keys.runEvents("r3"), StreamEntryID.NEW_ENTRY, Map.of("type", "TASK_FAILED", "data", "{}"));
        Run failed = fleetctl("run", "follow", "r3");
        assertEquals(1, failed.exitCode());
        assertTrue(failed.out().contains("TASK_FAILED"), failed.out());

        assertEquals(1, fleetctl("run", "follow", "unknown-run").exitCode());
    }

    @Test
    void unreachableRedisExitsThreeWithoutThePassword() {
        StringWriter err = new StringWriter();
        CommandLine cli = FleetCtl.commandLine(new FleetCtl());
        cli.setOut(new PrintWriter(new StringWriter(), true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute("--redis", "redis://ops:hunter2@127.0.0.1:1", "status");
        assertEquals(3, code);
        assertTrue(err.toString().contains("127.0.0.1:1"), err.toString());
        assertFalse(err.toString().contains("hunter2"), err.toString());
    }

    @Test
    void aPartitionedTypeShowsItsPartitionsAndItsDeadLettersAreNamedByPartition() throws Exception {
        try (FleetClient partitioned = FleetClient.connect(FleetClientOptions.builder()
                .redisUri(redis.uri())
                .partitions("hot", 3)
                .build())) {
            for (int i = 0; i < 6; i++) {
                partitioned.submit("hot", json("input", "h" + i));
            }
        }
        FakeWorker second = new FakeWorker(jedis, keys, "hot", 2);
        for (StreamEntry entry : second.take(10)) {
            second.deadLetter(entry, DeadLetterReason.NON_RETRYABLE_FAILURE, Failure.permanent("HANDLER_ERROR", "x"));
        }

        Run status = fleetctl("status");
        assertEquals(0, status.exitCode(), status.err());
        List<String> rows =
                status.out().lines().filter(l -> l.startsWith("hot")).toList();
        assertEquals(4, rows.size(), status.out());
        assertEquals(List.of("hot", "4"), List.of(rows.get(0).split("\\s+")).subList(0, 2), rows.get(0));
        assertEquals(List.of("hot/2", "0"), List.of(rows.get(3).split("\\s+")).subList(0, 2), rows.get(3));
        JsonNode hot = fleetctl("status", "--json", "hot").json().get(0);
        assertEquals(2, hot.get("dead").asInt());
        assertEquals(3, hot.get("partitions").size());

        JsonNode listed = fleetctl("dead", "list", "hot", "--json").json();
        assertEquals(2, listed.size());
        assertEquals(2, listed.get(0).get("partition").asInt());
        String entryId = listed.get(0).get("entryId").asText();
        assertTrue(fleetctl("dead", "list", "hot").out().contains("2/" + entryId));

        assertEquals(1, fleetctl("dead", "show", "hot", entryId).exitCode(), "partition 0 has no such entry");
        Run shown = fleetctl("dead", "show", "hot", "2/" + entryId);
        assertEquals(0, shown.exitCode(), shown.err());
        assertEquals(
                0, fleetctl("dead", "show", "hot", "--partition", "2", entryId).exitCode());

        Run redriven = fleetctl("dead", "redrive", "hot", "2/" + entryId);
        assertEquals(0, redriven.exitCode(), redriven.err());
        assertEquals(1, jedis.xlen(keys.dead("hot", 2)));
        assertEquals(1, jedis.xlen(keys.tasks("hot", 2)));
        Run purged = fleetctl("dead", "purge", "hot", "--yes");
        assertEquals(0, purged.exitCode(), purged.err());
        assertEquals(0, jedis.xlen(keys.dead("hot", 2)));
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(2, fleetctl("bogus").exitCode());
        assertEquals(2, fleetctl("dead", "list").exitCode());
        CommandLine cli = FleetCtl.commandLine(new FleetCtl());
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        assertEquals(2, cli.execute("--redis", "http://x", "status"));
        assertTrue(err.toString().contains("scheme must be redis, rediss, redis-sentinel"), err.toString());
    }

    /** Polls until the CLI's task is on the stream; bounded so a broken submit fails the test instead of hanging. */
    private static StreamEntry firstTask(FakeWorker async) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            List<StreamEntry> entries = async.take(1);
            if (!entries.isEmpty()) {
                return entries.getFirst();
            }
            sleep(5);
        }
        throw new AssertionError("the submitted task never reached the stream");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
