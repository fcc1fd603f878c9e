package io.agentfleet.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.orchestrator.support.Api;
import io.agentfleet.orchestrator.support.Orchestrators;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisExtension;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * Agent types are declared (configured, or registered by a worker), never created by a request: a real orchestrator
 * process on a real Redis refuses invented names without opening anything on Redis, and serves a type as soon as a
 * worker registers it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UnknownAgentTypesTest {
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final StreamKeys KEYS = StreamKeys.DEFAULT;
    /** Registered before the orchestrator starts, as a worker does; nothing is configured (the default). */
    static final String REGISTERED = "t-registered";
    /** Connections the test itself may add (none expected): slack for a client of the fixture's own. */
    static final int SLACK = 2;

    @RegisterExtension
    static final RedisExtension redis =
            RedisExtension.builder().flushBeforeEach(false).build();

    static Orchestrators.Orchestrator orchestrator;
    static JavaProcess worker;
    static Api api;

    @BeforeAll
    static void start() {
        try (Jedis jedis = redis.jedis()) {
            jedis.sadd(KEYS.agents(), REGISTERED);
        }
        Map<String, String> props = Orchestrators.fastRecovery();
        props.put("fleet.orchestrator.rate-limit", "100000");
        orchestrator = Orchestrators.orchestrator(redis.uri(), props);
        api = orchestrator.api();
    }

    @AfterAll
    static void stop() {
        Orchestrators.closeAll(worker, orchestrator);
    }

    @Test
    @Order(1)
    void aThousandRefusedAgentNamesEachGetA400NamingItAndLeaveTheRedisClientCountUnchanged() throws Exception {
        try (Jedis probe = redis.jedis()) {
            for (int i = 0; i < 10; i++) {
                assertRefused(i, "warm-up-" + i);
            }
            long before = connectedClients(probe);
            for (int i = 0; i < 1000; i++) {
                assertRefused(i, "ghost-" + i);
            }
            // The maintenance loop (every second) would open readers for types put in use; give it a few rounds.
            Thread.sleep(3000);
            long after = connectedClients(probe);
            assertTrue(
                    after <= before + SLACK,
                    "connected_clients went from " + before + " to " + after + " after 1,000 refused names");
            Set<String> registry = probe.smembers(KEYS.agents());
            Set<String> inUse = probe.smembers(KEYS.prefix() + ":orchestrator:agents");
            assertTrue(registry.stream().noneMatch(a -> a.startsWith("ghost-")), "registry: " + registry);
            assertTrue(inUse.stream().noneMatch(a -> a.startsWith("ghost-")), "in use: " + inUse);
            assertFalse(probe.exists(KEYS.results("ghost-0")), "no results stream (or group) for a refused name");
        }
    }

    @Test
    @Order(2)
    void aWorkerTypeRegisteredAfterStartUpBecomesUsable() {
        Api.Response before = api.post("/v1/tasks", "{\"agent\":\"t-researcher\",\"input\":{\"topic\":\"early\"}}");
        assertEquals(400, before.status(), before.toString());
        assertEquals(
                "unknown agent type 't-researcher'; known: " + REGISTERED,
                before.json().get("reason").asText());

        worker = Orchestrators.worker(redis.uri(), "t-researcher,t-planner", Map.of());

        String runId = api.submit(Api.parse("""
                {"tasks":[{"id":"r","agent":"t-researcher","input":{"topic":"late"}}]}"""));
        JsonNode run = api.awaitStatus(runId, "COMPLETED", TIMEOUT);
        assertEquals("COMPLETED", Api.task(run, "r").get("state").asText());
    }

    @Test
    @Order(3)
    void aPlannerSpawningAnUnknownTypeFailsItsTaskWithTheReason() {
        String runId = api.submit(Api.parse("""
                {"tasks":[{"id":"plan","agent":"t-planner","input":{"count":1,"agent":"t-invented"}}]}"""));
        JsonNode run = api.awaitStatus(runId, "FAILED", TIMEOUT);
        JsonNode error = Api.task(run, "plan").get("error");
        assertEquals("INVALID_SPAWN", error.get("type").asText(), run.toString());
        assertTrue(
                error.get("message").asText().startsWith("spawn[0].agent: unknown agent type 't-invented'; known: "),
                error.toString());
        try (Jedis probe = redis.jedis()) {
            assertFalse(probe.sismember(KEYS.agents(), "t-invented"));
            assertFalse(probe.exists(KEYS.results("t-invented")));
        }
    }

    /** Alternates the two submission routes and the three places an agent type is named. */
    private static void assertRefused(int i, String name) {
        Api.Response r;
        String field;
        switch (i % 3) {
            case 0 -> {
                r = api.post("/v1/tasks", "{\"agent\":\"" + name + "\",\"input\":{}}");
                field = "agent";
            }
            case 1 -> {
                r = api.post(
                        "/v1/workflows",
                        "{\"tasks\":[{\"id\":\"a\",\"agent\":\"" + REGISTERED + "\"},{\"id\":\"b\",\"agent\":\"" + name
                                + "\",\"dependsOn\":[\"a\"]}]}");
                field = "tasks[1].agent";
            }
            default -> {
                r = api.post(
                        "/v1/workflows",
                        "{\"tasks\":[{\"id\":\"a\",\"agent\":\"" + REGISTERED + "\",\"review\":{\"agent\":\"" + name
                                + "\"}}]}");
                field = "tasks[0].review.agent";
            }
        }
        assertEquals(400, r.status(), name + ": " + r);
        assertEquals("invalid_request", r.json().get("error").asText(), r.toString());
        assertEquals(field, r.json().get("field").asText(), r.toString());
        assertTrue(
                r.json().get("reason").asText().startsWith("unknown agent type '" + name + "'; known: "), r.toString());
    }

    private static long connectedClients(Jedis probe) {
        for (String line : probe.info("clients").split("\r?\n")) {
            if (line.startsWith("connected_clients:")) {
                return Long.parseLong(
                        line.substring("connected_clients:".length()).trim());
            }
        }
        throw new AssertionError("no connected_clients in INFO clients");
    }
}
