package io.agentfleet.worker.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.client.FleetClient;
import io.agentfleet.client.TaskHandle;
import io.agentfleet.client.TaskResult;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The demo agents served by a real worker process, offline and keyless, with simulated failures retried. */
class DemoAgentsWorkerProcessTest {
    @RegisterExtension
    static final RedisExtension redis = RedisExtension.create();

    @Test
    void workerServesTheFourDemoAgentsAndRetriesTheirSimulatedFailures() {
        try (JavaProcess worker = JavaProcess.builder("io.agentfleet.worker.WorkerApplication")
                        .jvmArg("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m")
                        .env("REDIS_URL", redis.uri())
                        .env("FLEET_AGENTS", "planner,researcher,coder,reviewer")
                        .env("MICRONAUT_SERVER_PORT", "-1")
                        .env("FLEET_DEMO_AGENTS_DELAY", "0..20ms")
                        .env("FLEET_DEMO_AGENTS_FAILURE_RATE", "0.3")
                        .env("FLEET_DEFAULTS_MAX_ATTEMPTS", "20")
                        .env("FLEET_DEFAULTS_BACKOFF_BASE", "20ms")
                        .env("FLEET_DEFAULTS_BACKOFF_MAX", "100ms")
                        .start();
                FleetClient client = FleetClient.connect(redis.uri())) {
            worker.awaitLog("Startup completed", Duration.ofSeconds(90));
            List<TaskHandle> handles = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                // Fixed task ids: failures depend on (seed, agent, task id, attempt), so which attempts fail is the
                // same
                // on every run and the test cannot flake.
                handles.add(client.submit(
                        AgentMessage.request("researcher", input("Question number " + i + " about caching"))
                                .taskId("research-" + i)
                                .build()));
            }
            TaskHandle plan = client.submit("planner", input("Build a rate limiter"));

            List<TaskResult> research = client.awaitAll(handles, Duration.ofSeconds(60));
            TaskResult planned = client.await(plan, Duration.ofSeconds(60));

            research.forEach(r -> assertEquals(
                    3, r.output().path("findings").size(), r.output().toString()));
            assertTrue(research.stream().anyMatch(r -> r.message().attempt() > 1), "some tasks needed a retry");
            assertTrue(
                    planned.output().path("spawn").size() >= 3, planned.output().toString());
            assertEquals("demo-planner", planned.usage().model());
        }
    }

    private static ObjectNode input(String text) {
        ObjectNode content = JsonNodeFactory.instance.objectNode();
        content.put("input", text);
        return content;
    }
}
