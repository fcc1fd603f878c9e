package io.agentfleet.orchestrator.idempotency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentfleet.messages.Ids;
import io.agentfleet.orchestrator.support.Api;
import io.agentfleet.orchestrator.support.Orchestrators;
import io.agentfleet.testsupport.RedisExtension;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.commons.codec.digest.DigestUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

/** {@code Idempotency-Key} on POST /v1/workflows and /v1/tasks, against a real orchestrator process and Redis. */
class IdempotentSubmissionTest {
    @RegisterExtension
    static final RedisExtension redis = RedisExtension.create();

    private static final String WORKFLOW = """
            {"tasks":[{"id":"a","agent":"i-coder","input":{"n":1}}]}""";
    private static final String TASK = """
            {"agent":"i-coder","input":{"n":1}}""";

    static Orchestrators.Orchestrator server;
    static Api api;

    @BeforeAll
    static void start() {
        Map<String, String> props = Orchestrators.fastRecovery();
        // No worker runs: the runs stay RUNNING, which is all these tests need.
        props.put("fleet.orchestrator.allowed-agents", "i-coder");
        server = Orchestrators.orchestrator(redis.uri(), props);
        api = server.api();
    }

    @AfterAll
    static void stop() {
        Orchestrators.closeAll(server);
    }

    @Test
    void twentyConcurrentRepeatsCreateOneRunAndAllGetItsResponse() throws Exception {
        String key = UUID.randomUUID().toString();
        long runsBefore = runsInRedis();
        List<Callable<Api.Response>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            calls.add(() -> post(api, "/v1/workflows", key, WORKFLOW));
        }
        List<Api.Response> responses = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(20)) {
            for (Future<Api.Response> f : pool.invokeAll(calls)) {
                responses.add(f.get());
            }
        }
        Set<String> runIds = new TreeSet<>();
        int firsts = 0;
        for (Api.Response r : responses) {
            assertEquals(202, r.status(), r.toString());
            runIds.add(r.json().get("runId").asText());
            assertEquals(responses.get(0).raw().body(), r.raw().body());
            if (r.header("Idempotent-Replayed") == null) {
                firsts++;
            }
        }
        assertEquals(1, runIds.size(), runIds.toString());
        assertEquals(1, firsts, "exactly one response is not a replay");
        assertEquals(runsBefore + 1, runsInRedis(), "one run created in Redis");
    }

    private static long runsInRedis() {
        try (UnifiedJedis jedis = redis.client()) {
            return jedis.keys("fleet:{run:*}:state").size();
        }
    }

    @Test
    void sameKeyWithAnotherBodyOrRouteIsAConflictNamingTheKey() {
        String key = UUID.randomUUID().toString();
        assertEquals(202, post(api, "/v1/tasks", key, TASK).status());
        Api.Response other = post(api, "/v1/tasks", key, TASK.replace("1", "2"));
        assertEquals(409, other.status(), other.toString());
        assertEquals("Idempotency-Key", other.json().get("field").asText());
        assertTrue(other.json().get("reason").asText().contains(key), other.toString());
        Api.Response route = post(api, "/v1/workflows", key, WORKFLOW);
        assertEquals(409, route.status(), route.toString());
        // The same body with other whitespace is the same request.
        Api.Response again = post(api, "/v1/tasks", key, TASK.replace(",", " , "));
        assertEquals(202, again.status(), again.toString());
        assertEquals("true", again.header("Idempotent-Replayed"));
    }

    @Test
    void keysBelongToTheirTenant() {
        String key = UUID.randomUUID().toString();
        Api.Response mine = post(api, "/v1/workflows", key, WORKFLOW);
        Api.Response theirs = post(api.withKey(Orchestrators.OTHER_KEY), "/v1/workflows", key, WORKFLOW);
        assertEquals(202, theirs.status(), theirs.toString());
        assertNull(theirs.header("Idempotent-Replayed"));
        assertTrue(!mine.json().get("runId").equals(theirs.json().get("runId")));
    }

    @Test
    void malformedKeysAreRefusedNamingTheHeader() {
        for (String bad : List.of("has space", "x".repeat(256), "tab\tin")) {
            Api.Response r = post(api, "/v1/workflows", bad, WORKFLOW);
            assertEquals(400, r.status(), r.toString());
            assertEquals("Idempotency-Key", r.json().get("field").asText());
        }
    }

    /**
     * A replica that claimed a key and died before answering leaves a claim without a response. A repeat takes it
     * over once it is stale and starts the run under the claimed id; when the dead replica had created the run
     * already, the repeat answers with that run instead of creating a second one.
     */
    @Test
    void repeatAfterAReplicaDiedMidSubmissionStartsTheClaimedRunOnce() {
        String fingerprint = DigestUtils.sha256Hex("/v1/workflows\n" + Api.parse(WORKFLOW));
        long stale = System.currentTimeMillis() - IdempotentSubmissions.STALE_AFTER.toMillis() - 1_000;

        String notStarted = UUID.randomUUID().toString();
        String claimedId = Ids.newId(stale);
        plantClaim(notStarted, new Claim(fingerprint, claimedId, stale, null));
        Api.Response taken = post(api, "/v1/workflows", notStarted, WORKFLOW);
        assertEquals(202, taken.status(), taken.toString());
        assertEquals(claimedId, taken.json().get("runId").asText());

        String started = UUID.randomUUID().toString();
        plantClaim(started, new Claim(fingerprint, claimedId, stale, null));
        Api.Response existing = post(api, "/v1/workflows", started, WORKFLOW);
        assertEquals(202, existing.status(), existing.toString());
        assertEquals(claimedId, existing.json().get("runId").asText());
        assertEquals("RUNNING", api.run(claimedId).get("status").asText());
    }

    private static void plantClaim(String key, Claim claim) {
        try (UnifiedJedis jedis = redis.client()) {
            jedis.set("fleet:idempotency:tester:" + DigestUtils.sha256Hex(key), claim.toJson());
        }
    }

    private static Api.Response post(Api api, String path, String key, String body) {
        HttpRequest.Builder b = api.request(path)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        return api.send(b);
    }
}
