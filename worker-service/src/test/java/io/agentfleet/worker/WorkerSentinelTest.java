package io.agentfleet.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentfleet.messages.AgentMessage;
import io.agentfleet.testsupport.Await;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisSentinelSetup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** The worker reaches its Redis through Sentinel (a redis-sentinel:// URL) and completes tasks. */
class WorkerSentinelTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static RedisSentinelSetup sentinel;

    @BeforeAll
    static void start() {
        sentinel = RedisSentinelSetup.start();
    }

    @AfterAll
    static void stop() {
        if (sentinel != null) {
            sentinel.close();
        }
    }

    @Test
    void aWorkerGivenASentinelUrlCompletesTasksOnThePrimary() {
        try (JavaProcess worker = TestFleet.startWorker(
                        TestFleet.worker(sentinel.uri(), "sentineled", "FLEET_AGENTS_SENTINELED_HANDLER", "echo"),
                        "sentineled");
                Jedis primary =
                        new Jedis(RedisSentinelSetup.HOST, sentinel.primary().port())) {
            List<AgentMessage> tasks = new ArrayList<>();
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                AgentMessage task = TestFleet.task("sentineled", "{\"input\":\"t" + i + "\"}");
                tasks.add(task);
                ids.add(task.taskId());
            }
            TestFleet.enqueue(primary, "sentineled", tasks);
            Await.until(WAIT, () -> TestFleet.results(primary, "sentineled").size() >= 20, "results through sentinel");
            assertEquals(ids, TestFleet.resultCountByTask(primary, "sentineled").keySet());
            assertTrue(TestFleet.resultCountByTask(primary, "sentineled").values().stream()
                    .allMatch(n -> n == 1));
            assertTrue(worker.logText().contains("sentinel"), "connected through sentinel");
        }
    }
}
