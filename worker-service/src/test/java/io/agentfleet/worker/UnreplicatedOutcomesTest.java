package io.agentfleet.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.MessageType;
import io.agentfleet.testsupport.Await;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.Prometheus;
import io.agentfleet.testsupport.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * FLEET_REDIS_WAIT_REPLICAS on a worker whose Redis has no replica (docs/operations.md, the durability setting): no
 * outcome batch is confirmed in time, so every outcome is counted in fleet_worker_outcomes_unreplicated_total and
 * logged, and the worker goes on: every task still gets its one outcome.
 */
class UnreplicatedOutcomesTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String AGENT = "unreplicated";
    private static final int TASKS = 10;
    private static final String SERIES = "fleet_worker_outcomes_unreplicated_total{agent=\"" + AGENT + "\"}";

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.owned();

    @Test
    void outcomesNoReplicaConfirmsAreCountedAndTheWorkerGoesOn() {
        try (JavaProcess worker = TestFleet.startWorker(
                        TestFleet.worker(
                                redis.uri(),
                                AGENT,
                                "FLEET_AGENTS_UNREPLICATED_HANDLER",
                                "echo",
                                "FLEET_REDIS_WAIT_REPLICAS",
                                "1",
                                "FLEET_REDIS_WAIT_TIMEOUT",
                                "100ms"),
                        AGENT);
                Jedis jedis = redis.jedis()) {
            int port = TestFleet.httpPort(worker);
            List<AgentMessage> tasks = new ArrayList<>();
            for (int i = 0; i < TASKS; i++) {
                tasks.add(TestFleet.task(AGENT, "{\"n\":" + i + "}"));
            }
            TestFleet.enqueue(jedis, AGENT, tasks);
            Await.until(
                    WAIT,
                    () -> Prometheus.sample(Prometheus.scrape(port), SERIES) == TASKS,
                    "every outcome counted as unreplicated (worker log " + worker.logFile() + ")");
            for (AgentMessage task : tasks) {
                assertEquals(
                        MessageType.RESULT,
                        TestFleet.outcome(jedis, AGENT, task.taskId()).type(),
                        "outcome of " + task.taskId());
            }
            var results = TestFleet.resultCountByTask(jedis, AGENT);
            assertEquals(TASKS, results.size(), "a result for every task: " + results);
            assertTrue(results.values().stream().allMatch(n -> n == 1), "one result per task: " + results);
            assertTrue(worker.logText().contains("of 1 replicas within"), "the unconfirmed batch is logged: " + worker);
        }
    }
}
