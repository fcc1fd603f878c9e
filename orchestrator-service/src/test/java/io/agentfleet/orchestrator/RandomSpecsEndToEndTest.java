package io.agentfleet.orchestrator;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.RunStatus;
import io.agentfleet.orchestrator.support.Api;
import io.agentfleet.orchestrator.support.Orchestrators;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisExtension;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Generated submissions against a real orchestrator and real workers: random DAGs of agents that succeed, fail, echo
 * large or deep inputs (so dependents receive large or deep context) and ask for clarification, with optional and
 * escalating tasks, timeouts up to absurd ones, and inputs near the depth and size limits. Every submission is either
 * refused with a 4xx naming the field or accepted, and every accepted run ends: in a terminal state, or parked in
 * NEEDS_HUMAN (a run waiting for a person is not stuck), from where skipping the waiting tasks ends it. The seed is
 * printed and can be set with {@code -Dfleet.test.seed=…} to replay a failure.
 */
class RandomSpecsEndToEndTest {
    static final String AGENTS = "t-researcher,t-slow,t-flaky,t-clarifier,t-reviewer";
    static final int RUNS = 40;
    static final Duration BOUND = Duration.ofSeconds(45);
    static final List<String> TIMEOUTS =
            List.of("50ms", "PT0.2S", "30s", "1d", "9223372036000000000ms", "9223372036854775807ms");

    @RegisterExtension
    static final RedisExtension redis =
            RedisExtension.builder().flushBeforeEach(false).build();

    static JavaProcess worker;
    static Orchestrators.Orchestrator orchestrator;
    static Api api;

    @BeforeAll
    static void start() {
        worker = Orchestrators.worker(redis.uri(), AGENTS, Map.of());
        orchestrator = Orchestrators.orchestrator(redis.uri(), Orchestrators.fastRecovery());
        api = orchestrator.api();
    }

    @AfterAll
    static void stop() {
        Orchestrators.closeAll(orchestrator, worker);
    }

    @Test
    void everyAcceptedRandomRunEndsOrParksAndEveryRefusalNamesTheField() {
        long seed = Long.getLong("fleet.test.seed", 20261205L);
        System.out.println("RandomSpecsEndToEndTest seed " + seed + " (-Dfleet.test.seed=" + seed + " replays it)");
        Random random = new Random(seed);
        Map<String, String> accepted = new LinkedHashMap<>();
        for (int i = 0; i < RUNS; i++) {
            ObjectNode spec = workflow(random);
            Api.Response r = api.post("/v1/workflows", spec.toString());
            String what = "seed " + seed + ", spec " + i + ": " + abbreviate(spec.toString()) + " -> "
                    + abbreviate(r.toString());
            assertTrue(r.status() == 202 || (r.status() >= 400 && r.status() < 500), what);
            if (r.status() == 202) {
                accepted.put(r.json().get("runId").asText(), what);
            } else {
                assertTrue(
                        r.json() != null
                                && r.json().hasNonNull("error")
                                && r.json().hasNonNull("field"),
                        what);
            }
        }
        assertFalse(accepted.isEmpty(), "seed " + seed + " accepted no run");
        long deadline = System.nanoTime() + BOUND.toNanos();
        Map<String, Integer> statuses = new java.util.TreeMap<>();
        Set<String> parked = new java.util.HashSet<>();
        for (Map.Entry<String, String> run : accepted.entrySet()) {
            JsonNode ended = awaitEnd(run.getKey(), deadline, run.getValue(), parked);
            String type = ended.path("error").path("type").asText();
            statuses.merge(ended.get("status").asText() + (type.isEmpty() ? "" : " " + type), 1, Integer::sum);
            if (!ended.get("status").asText().equals("COMPLETED")) {
                JsonNode error = ended.get("error");
                assertTrue(
                        error != null && !error.path("type").asText().isEmpty(),
                        "a run that did not complete says why: " + abbreviate(ended.toString()) + " / "
                                + run.getValue());
            }
        }
        System.out.println("RandomSpecsEndToEndTest seed " + seed + ": " + accepted.size() + " of " + RUNS
                + " accepted, " + parked.size() + " parked on the way, ended " + statuses);
    }

    /** Waits for a terminal state, skipping every task that waits for a human on the way. */
    private static JsonNode awaitEnd(String runId, long deadline, String what, Set<String> parked) {
        while (true) {
            JsonNode run = api.run(runId);
            String status = run.get("status").asText();
            if (RunStatus.isTerminal(status)) {
                return run;
            }
            if (status.equals("NEEDS_HUMAN")) {
                parked.add(runId);
                for (JsonNode task : run.get("tasks")) {
                    if (task.get("state").asText().equals("WAITING_HUMAN")) {
                        Api.Response r = api.post(
                                "/v1/runs/" + runId + "/resume",
                                "{\"taskId\":\"" + task.get("id").asText() + "\",\"action\":\"skip\"}");
                        assertTrue(r.status() == 200 || r.status() == 409, r + " / " + what);
                    }
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("run " + runId + " is still " + status + " after " + BOUND + ": "
                        + abbreviate(run.toString()) + " / " + what);
            }
            sleep();
        }
    }

    private static ObjectNode workflow(Random random) {
        ObjectNode spec = JsonNodeFactory.instance.objectNode();
        ArrayNode tasks = spec.putArray("tasks");
        int n = 1 + random.nextInt(6);
        for (int i = 0; i < n; i++) {
            ObjectNode task = tasks.addObject();
            task.put("id", "t" + i);
            String agent = pick(
                    random,
                    List.of("t-researcher", "t-researcher", "t-slow", "t-slow", "t-slow", "t-flaky", "t-clarifier"));
            task.put("agent", agent);
            task.set("input", input(random, agent));
            ArrayNode deps = JsonNodeFactory.instance.arrayNode();
            for (int d = 0; d < i; d++) {
                if (random.nextInt(3) == 0) {
                    deps.add("t" + d);
                }
            }
            if (!deps.isEmpty()) {
                task.set("dependsOn", deps);
            }
            if (random.nextInt(4) == 0) {
                task.put("optional", true);
            }
            if (random.nextInt(8) == 0) {
                task.put("escalate", true);
            }
            if (random.nextInt(3) == 0) {
                task.put("timeout", pick(random, TIMEOUTS));
            }
            if (random.nextInt(8) == 0) {
                task.putObject("review").put("agent", "t-reviewer").put("maxRevisions", random.nextInt(3));
            }
        }
        if (random.nextInt(5) == 0) {
            spec.put("deadline", pick(random, List.of("PT1S", "PT30S", "9223372036854775807ms")));
        }
        return spec;
    }

    /** Small, deep (near the 61 levels a workflow body leaves) or large (near the 256 KiB input limit). */
    private static JsonNode input(Random random, String agent) {
        JsonNode payload = switch (random.nextInt(4)) {
            case 0 -> Api.parse(StuckRunsEndToEndTest.nested(55 + random.nextInt(7)));
            case 1 -> JsonNodeFactory.instance.textNode("x".repeat(200_000 + random.nextInt(70_000)));
            default -> JsonNodeFactory.instance.objectNode().put("topic", "topic " + random.nextInt(1000));
        };
        if (!agent.equals("t-slow")) {
            return payload;
        }
        // t-slow echoes its input as its output, one level deeper: large or deep outputs for dependents.
        ObjectNode input = JsonNodeFactory.instance.objectNode().put("ms", random.nextInt(300));
        input.set("x", payload.isObject() && payload.has("v") ? payload.get("v") : payload);
        return input;
    }

    private static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private static String abbreviate(String text) {
        return text.length() <= 400 ? text : text.substring(0, 400) + "…(" + text.length() + " chars)";
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
