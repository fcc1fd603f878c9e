package io.agentfleet.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentfleet.orchestrator.agents.Probe;
import io.agentfleet.orchestrator.support.Api;
import io.agentfleet.orchestrator.support.Orchestrators;
import io.agentfleet.testsupport.Await;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/** Invariant 6: any orchestrator replica may die at any moment; runs still complete and no step is dispatched twice. */
class ReplicaFailoverTest {
    static final int RUNS = 30;

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.create();

    @Test
    void killedReplicaLosesNoRunAndNoTaskIsDispatchedTwice() {
        try (JavaProcess worker = Orchestrators.worker(redis.uri(), "t-researcher,t-coder", Map.of());
                Orchestrators.Orchestrator a = Orchestrators.orchestrator(redis.uri(), Orchestrators.fastRecovery());
                Orchestrators.Orchestrator b = Orchestrators.orchestrator(redis.uri(), Orchestrators.fastRecovery())) {
            List<String> runs = new ArrayList<>();
            for (int i = 0; i < RUNS; i++) {
                Api api = i % 2 == 0 ? a.api() : b.api();
                runs.add(api.submit(Api.parse("""
                        {"tasks":[
                          {"id":"r1","agent":"t-researcher","input":{"topic":"a%1$d","sleepMs":150}},
                          {"id":"r2","agent":"t-researcher","input":{"topic":"b%1$d","sleepMs":150}},
                          {"id":"code","agent":"t-coder","input":{"n":%1$d},"dependsOn":["r1","r2"]},
                          {"id":"final","agent":"t-researcher","input":{"topic":"c%1$d","sleepMs":150},"dependsOn":["code"]}]}""".formatted(i))));
            }
            Await.until(Duration.ofSeconds(60), () -> completedTasks() >= RUNS, "the runs to be under way");
            a.process().kill9();
            assertTrue(completedTasks() < RUNS * 4L, "the replica was killed mid-run");

            for (String runId : runs) {
                JsonNode run = b.api().awaitStatus(runId, "COMPLETED", Duration.ofSeconds(120));
                assertEquals(4, run.get("steps").asInt(), run.toString());
            }
            Map<String, Integer> dispatches = new HashMap<>();
            try (Jedis jedis = redis.jedis()) {
                for (String runId : runs) {
                    for (StreamEntry e : jedis.xrange(
                            "fleet:{run:" + runId + "}:events", (StreamEntryID) null, (StreamEntryID) null)) {
                        if (e.getFields().get("type").equals("TASK_DISPATCHED")) {
                            dispatches.merge(
                                    Api.parse(e.getFields().get("data"))
                                            .get("wireTaskId")
                                            .asText(),
                                    1,
                                    Integer::sum);
                        }
                    }
                }
                assertEquals(RUNS * 4, dispatches.size());
                Map<String, String> invocations = jedis.hgetAll(Probe.INVOCATIONS);
                for (Map.Entry<String, Integer> d : dispatches.entrySet()) {
                    assertEquals(1, d.getValue(), "TASK_DISPATCHED events of " + d.getKey());
                    assertEquals("1", invocations.get(d.getKey()), "handler runs of " + d.getKey());
                }
            }
        }
    }

    static long completedTasks() {
        try (Jedis jedis = redis.jedis()) {
            return jedis.hlen(Probe.INVOCATIONS);
        }
    }
}
