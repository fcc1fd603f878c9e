package io.agentfleet.orchestrator.runlist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentfleet.orchestrator.support.Api;
import io.agentfleet.orchestrator.support.Orchestrators;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code GET /v1/runs} against a real orchestrator, worker and Redis: order, filters, paging, tenants, bad input. */
class RunListTest {
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    @RegisterExtension
    static final RedisExtension redis =
            RedisExtension.builder().flushBeforeEach(false).build();

    static JavaProcess worker;
    static Orchestrators.Orchestrator orchestrator;
    static Api alpha;
    static Api alphaCi;
    static Api beta;
    static Api ops;

    @BeforeAll
    static void start() {
        worker = Orchestrators.worker(redis.uri(), "t-researcher,t-clarifier", Map.of());
        orchestrator = Orchestrators.orchestrator(
                redis.uri(),
                Orchestrators.fastRecovery(),
                Map.of(
                        "FLEET_API_KEYS_PLAIN", "alpha:alpha-key,alpha-ci:alpha-ci-key,beta:beta-key,ops:ops-key",
                        "FLEET_API_KEY_TENANTS", "alpha-ci:alpha",
                        "FLEET_ADMIN_KEYS", "ops"));
        Api api = orchestrator.api();
        alpha = api.withKey("alpha-key");
        alphaCi = api.withKey("alpha-ci-key");
        beta = api.withKey("beta-key");
        ops = api.withKey("ops-key");
    }

    @AfterAll
    static void stop() {
        Orchestrators.closeAll(orchestrator, worker);
    }

    @Test
    void aTenantListsItsOwnRunsNewestFirstFilteredByStatusAndKeyAndOperatorsListAll() {
        String first = completed(alpha, "one");
        String parked = alphaCi.submit(Api.parse("""
                {"tasks":[{"id":"ask","agent":"t-clarifier","input":{"q":"x"}}]}"""));
        alpha.awaitStatus(parked, "NEEDS_HUMAN", TIMEOUT);
        String third = completed(alpha, "three");
        String betas = completed(beta, "beta");

        List<String> alphaRuns = ids(alpha.get("/v1/runs").json());
        assertEquals(List.of(third, parked, first), alphaRuns.subList(0, 3), "newest first");
        assertFalse(alphaRuns.contains(betas), "another tenant's run is not listed");
        assertEquals(List.of(betas), ids(beta.get("/v1/runs").json()));
        assertEquals(
                List.of(parked), ids(alpha.get("/v1/runs?status=NEEDS_HUMAN").json()));
        assertEquals(List.of(parked), ids(alpha.get("/v1/runs?apiKey=alpha-ci").json()));
        assertEquals(List.of(), ids(beta.get("/v1/runs?apiKey=alpha").json()), "a key filter never widens the scope");
        assertTrue(ids(ops.get("/v1/runs").json()).containsAll(List.of(first, parked, third, betas)));

        JsonNode row =
                alpha.get("/v1/runs?status=NEEDS_HUMAN").json().get("runs").get(0);
        assertEquals("alpha-ci", row.get("apiKey").asText());
        assertEquals("alpha", row.get("tenant").asText());
        assertEquals("/v1/runs/" + parked, row.get("self").asText());
    }

    @Test
    void pagesFollowEachOtherWithoutGapOrRepeat() {
        List<String> submitted = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            submitted.add(0, completed(ops, "page " + i));
        }
        List<String> seen = new ArrayList<>();
        String next = null;
        do {
            JsonNode page = ops.get("/v1/runs?apiKey=ops&count=2" + (next == null ? "" : "&before=" + next))
                    .json();
            assertTrue(page.get("runs").size() <= 2);
            seen.addAll(ids(page));
            next = page.hasNonNull("next") ? page.get("next").asText() : null;
        } while (next != null);
        assertEquals(submitted, seen);
    }

    @Test
    void badParametersAre400NamingTheField() {
        assertBad("/v1/runs?status=DONE", "status");
        assertBad("/v1/runs?count=0", "count");
        assertBad("/v1/runs?count=101", "count");
        assertBad("/v1/runs?count=ten", "count");
        assertBad("/v1/runs?before=nope", "before");
        assertBad("/v1/runs?apiKey=%3Cscript%3E", "apiKey");
        assertEquals(401, alpha.withKey(null).get("/v1/runs").status());
        assertEquals(403, alpha.withKey("wrong-key").get("/v1/runs").status());
    }

    private static void assertBad(String path, String field) {
        Api.Response r = alpha.get(path);
        assertEquals(400, r.status(), r.toString());
        assertEquals(field, r.json().get("field").asText(), r.toString());
    }

    private static String completed(Api api, String topic) {
        String runId = api.submit(Api.parse(
                "{\"tasks\":[{\"id\":\"r\",\"agent\":\"t-researcher\",\"input\":{\"topic\":\"" + topic + "\"}}]}"));
        api.awaitStatus(runId, "COMPLETED", TIMEOUT);
        return runId;
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("runs").forEach(r -> ids.add(r.get("runId").asText()));
        return ids;
    }
}
