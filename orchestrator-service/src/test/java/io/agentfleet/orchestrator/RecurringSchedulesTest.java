package io.agentfleet.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentfleet.fleetctl.FleetCtl;
import io.agentfleet.orchestrator.agents.Probe;
import io.agentfleet.orchestrator.support.Api;
import io.agentfleet.orchestrator.support.Orchestrators;
import io.agentfleet.testsupport.Await;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;

/**
 * Recurring schedules against two real orchestrator replicas and a worker: one run per tick when a replica is killed,
 * pause and resume, the missed-tick policies, validation and tenancy. Replica {@code a} is killed by the first test
 * that needs it; every other test uses {@code b}.
 */
class RecurringSchedulesTest {
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final String EVERY_SECOND = """
            {"name":"heartbeat","interval":"1s",
             "workflow":{"tasks":[{"id":"r","agent":"t-researcher","input":{"topic":"tick"}}]}}""";
    /** A schedule that never ticks during a test: noon on January 1st. */
    static final String YEARLY = """
            {"cron":"0 12 1 1 *","timeZone":"Europe/Berlin","missedTicks":"%s",
             "task":{"agent":"t-researcher","input":{"topic":"yearly"}}}""";

    @RegisterExtension
    static final RedisExtension redis =
            RedisExtension.builder().flushBeforeEach(false).build();

    static JavaProcess worker;
    static Orchestrators.Orchestrator a;
    static Orchestrators.Orchestrator b;
    static UnifiedJedis jedis;

    @BeforeAll
    static void start() {
        jedis = redis.client();
        worker = Orchestrators.worker(redis.uri(), "t-researcher", Map.of());
        Map<String, String> props = Orchestrators.fastRecovery();
        props.put("fleet.schedules.tick-interval", "100ms");
        props.put("fleet.schedules.max-per-tenant", "3");
        props.put("fleet.tenants.other.max-runs-in-flight", "1");
        // Far above any stall of a busy machine, so only the missed-tick test (an hour late) meets the policy.
        props.put("fleet.schedules.missed-after", "60s");
        a = Orchestrators.orchestrator(redis.uri(), props);
        b = Orchestrators.orchestrator(redis.uri(), props);
    }

    @AfterAll
    static void stop() {
        Orchestrators.closeAll(a, b, worker, jedis);
    }

    @Test
    void everySecondStartsExactlyOneRunPerTickWhileAReplicaIsKilledAndPauseResumeWork() {
        String id = created(a.api().post("/v1/schedules", EVERY_SECOND));
        Await.until(TIMEOUT, () -> ticksOf(id).size() >= 3, "three ticks started by either replica");
        a.process().kill9();
        int atKill = ticksOf(id).size();
        Await.until(TIMEOUT, () -> ticksOf(id).size() >= atKill + 4, "four more ticks started by the survivor");

        Api api = b.api();
        assertEquals(
                "PAUSED",
                api.post("/v1/schedules/" + id + "/pause", "")
                        .json()
                        .get("status")
                        .asText());
        awaitNoTickWaitingForItsRun();
        int paused = ticksOf(id).size();
        sleep(Duration.ofMillis(2_500));
        assertEquals(paused, ticksOf(id).size(), "a paused schedule starts no run");

        JsonNode resumed = api.post("/v1/schedules/" + id + "/resume", "").json();
        assertEquals("ACTIVE", resumed.get("status").asText(), resumed.toString());
        Await.until(TIMEOUT, () -> ticksOf(id).size() >= paused + 2, "runs again after resume");
        assertEquals(200, api.delete("/v1/schedules/" + id).status());
        awaitNoTickWaitingForItsRun();

        TreeMap<Long, String> ticks = ticksOf(id);
        List<Long> gaps = new ArrayList<>();
        Long previous = null;
        for (long tick : ticks.keySet()) {
            if (previous != null && tick - previous != 1_000) {
                gaps.add(tick - previous);
            }
            previous = tick;
        }
        assertEquals(1, gaps.size(), "one gap, the pause; every other tick has its run: " + ticks.keySet());
        assertTrue(gaps.get(0) >= 2_000, "the pause covered at least two ticks: " + gaps);
        JsonNode listed = api.get("/v1/runs?count=100&scheduleId=" + id).json().get("runs");
        assertEquals(ticks.size(), listed.size(), listed.toString());
        listed.forEach(r -> assertEquals(id, r.get("scheduleId").asText()));
        assertEquals(400, api.get("/v1/runs?scheduleId=nope").status());
        for (Map.Entry<Long, String> tick : ticks.entrySet()) {
            JsonNode run = api.awaitStatus(tick.getValue(), "COMPLETED", TIMEOUT);
            assertEquals(id, run.get("scheduleId").asText());
            assertEquals(
                    Instant.ofEpochMilli(tick.getKey()).toString(),
                    run.get("scheduledFor").asText());
            String wireId = run.get("tasks").get(0).get("wireTaskId").asText();
            assertEquals("1", jedis.hget(Probe.INVOCATIONS, wireId), "handler runs of the tick's task " + wireId);
        }
    }

    @Test
    void aMissedTickStartsOneRunOrNoneAsTheScheduleSays() {
        Api api = b.api();
        String runOnce = created(api.post("/v1/schedules", YEARLY.formatted("runOnce")));
        String skip = created(api.post("/v1/schedules", YEARLY.formatted("skip")));
        // As if every replica had been down for an hour: both schedules' next tick is long past.
        long missed = System.currentTimeMillis() - Duration.ofHours(1).toMillis();
        jedis.zadd("fleet:{schedules}:due", missed, runOnce);
        jedis.zadd("fleet:{schedules}:due", missed, skip);

        Await.until(TIMEOUT, () -> ticksOf(runOnce).size() == 1, "one run for the missed ticks");
        assertEquals(missed, ticksOf(runOnce).firstKey());
        Await.until(
                TIMEOUT,
                () -> api.get("/v1/schedules/" + skip)
                        .json()
                        .path("recentTicks")
                        .path(0)
                        .path("outcome")
                        .asText()
                        .equals("MISSED"),
                "the skipped tick recorded");
        for (String id : List.of(runOnce, skip)) {
            JsonNode view = api.get("/v1/schedules/" + id).json();
            assertTrue(
                    Instant.parse(view.get("nextRunAt").asText()).isAfter(Instant.now()),
                    "moved to its next tick after now: " + view);
        }
        assertTrue(ticksOf(skip).isEmpty(), "skip starts no run");
        assertEquals(1, ticksOf(runOnce).size(), "run once, not once per missed tick");
        api.delete("/v1/schedules/" + runOnce);
        api.delete("/v1/schedules/" + skip);
    }

    @Test
    void aTickClaimedByAReplicaThatDiedBeforeItsRunIsStartedOnceByAnother() {
        Api api = b.api();
        String id = created(api.post("/v1/schedules", YEARLY.formatted("runOnce")));
        long tick = System.currentTimeMillis() - 5_000;
        String member = id + "|" + tick;
        // As a replica leaves it when it dies between claiming the tick and creating the run: its lease ran out.
        jedis.zadd("fleet:{schedules}:starts", tick, member);
        Await.until(TIMEOUT, () -> ticksOf(id).containsKey(tick), "the abandoned tick's run started");
        awaitNoTickWaitingForItsRun();
        String runId = ticksOf(id).get(tick);
        // Claimed again, as when a replica died after creating the run but before listing it: the run exists, so
        // nothing more starts, and the run is listed again.
        jedis.zrem("fleet:{tenant:tester}:run-index", runId);
        jedis.zadd("fleet:{schedules}:starts", tick, member);
        awaitNoTickWaitingForItsRun();

        assertEquals(1, ticksOf(id).size());
        long started =
                jedis.xrange("fleet:{run:" + runId + "}:events", (StreamEntryID) null, (StreamEntryID) null).stream()
                        .filter(e -> e.getFields().get("type").equals("RUN_STARTED"))
                        .count();
        assertEquals(1, started, "RUN_STARTED events of " + runId);
        JsonNode history = api.get("/v1/schedules/" + id).json().get("recentTicks");
        assertEquals(1, history.size(), history.toString());
        assertEquals(runId, history.get(0).get("runId").asText());
        api.awaitStatus(runId, "COMPLETED", TIMEOUT);
        api.delete("/v1/schedules/" + id);
    }

    @Test
    void aTickOverTheTenantsRunsInFlightIsSkippedWithTheReasonAndTheScheduleGoesOn() {
        Api other = b.api().withKey(Orchestrators.OTHER_KEY);
        String id = created(other.post("/v1/schedules", """
                {"interval":"1s","task":{"agent":"t-researcher","input":{"topic":"slow","sleepMs":2500}}}"""));
        Await.until(
                TIMEOUT,
                () -> other.get("/v1/schedules/" + id)
                        .json()
                        .get("recentTicks")
                        .toString()
                        .contains("SKIPPED"),
                "a tick refused while the tenant's one run is in flight");
        JsonNode skipped = null;
        for (JsonNode t : other.get("/v1/schedules/" + id).json().get("recentTicks")) {
            if (t.get("outcome").asText().equals("SKIPPED")) {
                skipped = t;
            }
        }
        assertTrue(skipped.get("reason").asText().contains("runs in flight"), skipped.toString());
        assertFalse(skipped.has("runId"), skipped.toString());
        assertEquals(
                "ACTIVE", other.get("/v1/schedules/" + id).json().get("status").asText());
        Await.until(
                TIMEOUT,
                () -> {
                    long started = 0;
                    for (JsonNode t : other.get("/v1/schedules/" + id).json().get("recentTicks")) {
                        started += t.get("outcome").asText().equals("STARTED") ? 1 : 0;
                    }
                    return started >= 2;
                },
                "a later tick started once the run ended");
        assertEquals(200, other.delete("/v1/schedules/" + id).status());
    }

    @Test
    void aBadScheduleIsA400NamingTheField() {
        Api api = b.api();
        String task = "\"task\":{\"agent\":\"t-researcher\",\"input\":{}}";
        Map<String, String> cases = new TreeMap<>(Map.of(
                "{\"cron\":\"61 * * * *\"," + task + "}",
                "cron",
                "{\"cron\":\"every day\"," + task + "}",
                "cron",
                "{\"cron\":\"0 0 30 2 *\"," + task + "}",
                "cron",
                "{\"cron\":\"0 2 * * *\",\"timeZone\":\"Mars/Olympus\"," + task + "}",
                "timeZone",
                "{\"interval\":\"500ms\"," + task + "}",
                "interval",
                "{\"interval\":\"soon\"," + task + "}",
                "interval",
                "{\"interval\":\"1m\",\"cron\":\"* * * * *\"," + task + "}",
                "interval",
                "{\"interval\":\"1m\",\"missedTicks\":\"sometimes\"," + task + "}",
                "missedTicks",
                "{\"interval\":\"1m\",\"workflow\":{\"tasks\":[]}}",
                "workflow.tasks",
                "{\"interval\":\"1m\",\"workflow\":{\"deadline\":\"2030-01-01T00:00:00Z\",\"tasks\":[{\"id\":\"x\","
                        + "\"agent\":\"t-researcher\",\"input\":{}}]}}",
                "workflow.deadline"));
        cases.put("{\"every\":\"1m\"," + task + "}", "every");
        cases.put("{\"cron\":\"*/0 * * * *\"," + task + "}", "cron");
        cases.put("{\"cron\":\"" + "* ".repeat(5_000) + "\"," + task + "}", "cron");
        cases.put("{\"interval\":\"106751991167300d\"," + task + "}", "interval");
        cases.put("{\"interval\":\"PT2562047788015215H\"," + task + "}", "interval");
        cases.put("{\"interval\":60," + task + "}", "interval");
        cases.put("{\"interval\":\"1m\",\"task\":[]}", "task");
        cases.put("{\"interval\":\"1m\",\"task\":{\"agent\":\"no-such-agent\"}}", "task.agent");
        cases.put("{\"interval\":\"1m\"}", "workflow");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Api.Response r = api.post("/v1/schedules", c.getKey());
            assertEquals(400, r.status(), c.getKey() + " -> " + r);
            assertEquals("invalid_request", r.json().get("error").asText(), r.toString());
            assertEquals(c.getValue(), r.json().get("field").asText(), c.getKey() + " -> " + r);
        }
        assertEquals(400, api.get("/v1/schedules/not-an-id").status());
    }

    @Test
    void aScheduleBelongsToItsTenantWithinItsLimit() {
        Api owner = b.api();
        Api other = owner.withKey(Orchestrators.OTHER_KEY);
        String id = created(owner.post("/v1/schedules", YEARLY.formatted("skip")));
        for (Api.Response r : List.of(
                other.get("/v1/schedules/" + id),
                other.post("/v1/schedules/" + id + "/pause", ""),
                other.post("/v1/schedules/" + id + "/resume", ""),
                other.post("/v1/schedules/" + id + "/trigger", ""),
                other.delete("/v1/schedules/" + id))) {
            assertEquals(404, r.status(), r.toString());
        }
        assertFalse(other.get("/v1/schedules").json().toString().contains(id));
        assertTrue(owner.get("/v1/schedules").json().toString().contains(id));
        assertEquals(
                "ACTIVE", owner.get("/v1/schedules/" + id).json().get("status").asText());

        Api.Response triggered = owner.post("/v1/schedules/" + id + "/trigger", "");
        assertEquals(202, triggered.status(), triggered.toString());
        JsonNode run = owner.awaitStatus(triggered.json().get("runId").asText(), "COMPLETED", TIMEOUT);
        assertEquals(id, run.get("scheduleId").asText());
        assertEquals(404, other.get("/v1/runs/" + run.get("runId").asText()).status());

        for (int i = 0; i < 3; i++) {
            created(other.post("/v1/schedules", YEARLY.formatted("skip")));
        }
        Api.Response overLimit = other.post("/v1/schedules", YEARLY.formatted("skip"));
        assertEquals(409, overLimit.status(), overLimit.toString());
        assertEquals("tenant", overLimit.json().get("field").asText());
        for (JsonNode s : other.get("/v1/schedules").json().get("schedules")) {
            assertEquals(
                    200,
                    other.delete("/v1/schedules/" + s.get("scheduleId").asText())
                            .status());
        }

        assertEquals(200, owner.delete("/v1/schedules/" + id).status());
        assertEquals(404, owner.get("/v1/schedules/" + id).status());
    }

    @Test
    void fleetctlCreatesListsPausesResumesTriggersAndDeletesASchedule() throws Exception {
        Path task = Files.createTempFile("schedule-task", ".json");
        Files.writeString(task, "{\"agent\":\"t-researcher\",\"input\":{\"topic\":\"cli\"}}");
        String[] api = {"schedule", "--api", b.api().base(), "--api-key", Orchestrators.KEY};

        Cli created =
                fleetctl(api, "create", "--cron", "0 12 1 1 *", "--time-zone", "Asia/Tokyo", "--task", task.toString());
        assertEquals(0, created.exit(), created.toString());
        String id = created.out().split("\\s+")[0];
        assertTrue(created.out().contains("ACTIVE") && created.out().contains("Asia/Tokyo"), created.toString());
        assertTrue(fleetctl(api, "list").out().contains(id));
        assertTrue(fleetctl(api, "pause", id).out().contains("PAUSED"));
        assertTrue(fleetctl(api, "resume", id).out().contains("ACTIVE"));
        Cli triggered = fleetctl(api, "trigger", id);
        assertEquals(0, triggered.exit(), triggered.toString());
        b.api().awaitStatus(triggered.out().strip(), "COMPLETED", TIMEOUT);

        Cli bad = fleetctl(api, "create", "--cron", "0 0 30 2 *", "--task", task.toString());
        assertEquals(1, bad.exit(), bad.toString());
        assertTrue(bad.err().contains("\"field\":\"cron\""), bad.toString());
        assertEquals(0, fleetctl(api, "delete", id).exit());
        Cli gone = fleetctl(api, "show", id);
        assertEquals(1, gone.exit(), gone.toString());
        assertTrue(gone.err().contains("404"), gone.toString());
    }

    record Cli(int exit, String out, String err) {}

    static Cli fleetctl(String[] api, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = FleetCtl.commandLine(new FleetCtl());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        String[] all = new String[api.length + args.length];
        System.arraycopy(api, 0, all, 0, api.length);
        System.arraycopy(args, 0, all, api.length, args.length);
        int exit = cli.execute(all);
        return new Cli(exit, out.toString(), err.toString());
    }

    static String created(Api.Response r) {
        assertEquals(201, r.status(), r.toString());
        return r.json().get("scheduleId").asText();
    }

    /** The runs of schedule {@code id} by tick, read from the runs of the test key's tenant. */
    static TreeMap<Long, String> ticksOf(String id) {
        TreeMap<Long, String> ticks = new TreeMap<>();
        for (String runId : jedis.zrange("fleet:{tenant:tester}:run-index", 0, -1)) {
            List<String> f = jedis.hmget("fleet:{run:" + runId + "}:state", "scheduleId", "scheduledFor");
            if (id.equals(f.get(0))) {
                String before = ticks.put(Long.parseLong(f.get(1)), runId);
                assertEquals(null, before, "two runs for one tick: " + before + " and " + runId);
            }
        }
        return ticks;
    }

    /** Waits until no claimed tick waits for its run (one claimed by the killed replica is started after its lease). */
    static void awaitNoTickWaitingForItsRun() {
        Await.until(TIMEOUT, () -> jedis.zcard("fleet:{schedules}:starts") == 0, "every claimed tick's run started");
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
