package io.agentfleet.worker;

import static io.agentfleet.worker.TestFleet.KEYS;
import static io.agentfleet.worker.TestFleet.enqueue;
import static io.agentfleet.worker.TestFleet.enqueueRaw;
import static io.agentfleet.worker.TestFleet.outcome;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.TraceContext;
import io.agentfleet.testsupport.Await;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.Prometheus;
import io.agentfleet.testsupport.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * The worker's own telemetry in a real process: usage counters, the sampled stream gauges, and JSON logs carrying
 * the task's MDC keys (tracing stays off, the default).
 */
class ObservabilityTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.create();

    static JavaProcess worker;
    static int port;

    @BeforeAll
    static void startWorker() {
        redis.flushAll();
        worker = TestFleet.startWorker(TestFleet.worker(redis.uri(), "metered", "FLEET_LOG_FORMAT", "json"), "metered");
        port = TestFleet.httpPort(worker);
    }

    @AfterAll
    static void stopWorker() {
        if (worker != null) {
            worker.close();
        }
    }

    @Test
    void usageCountersStreamGaugesAndJsonLogsWithTheTasksKeys() throws Exception {
        List<AgentMessage> tasks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            tasks.add(AgentMessage.request("metered", TestFleet.content("{\"n\":" + i + "}"))
                    .runId("run-" + i)
                    .trace(new TraceContext("00-" + TRACE_ID + "-00f067aa0ba902b7-01", null))
                    .build());
        }
        try (Jedis jedis = redis.jedis()) {
            enqueue(jedis, "metered", tasks);
            enqueueRaw(jedis, "metered", "{not json");
            Await.until(
                    WAIT,
                    () -> tasks.stream().allMatch(t -> outcome(jedis, "metered", t.taskId()) != null)
                            && jedis.xlen(KEYS.dead("metered")) == 1,
                    "the three results and the dead letter");
        }

        Await.until(
                WAIT,
                () -> Prometheus.sample(
                                Prometheus.scrape(port), "fleet_tokens_total{agent=\"metered\",direction=\"in\"}")
                        == 180.0,
                "tokens in counted");
        String metrics = Prometheus.scrape(port);
        assertEquals(120.0, Prometheus.sample(metrics, "fleet_tokens_total{agent=\"metered\",direction=\"out\"}"));
        assertEquals(0.75, Prometheus.sample(metrics, "fleet_cost_total{agent=\"metered\"}"), 1e-9);

        // Sampled every 5 s: wait for a sample taken after everything was recorded.
        Await.until(
                WAIT,
                () -> Prometheus.sample(
                                Prometheus.scrape(port), "fleet_dead_letters_stored{agent=\"metered\",partition=\"0\"}")
                        == 1.0,
                "the dead-letter gauge");
        metrics = Prometheus.scrape(port);
        assertEquals(0.0, Prometheus.sample(metrics, "fleet_stream_length{agent=\"metered\",partition=\"0\"}"));
        assertEquals(0.0, Prometheus.sample(metrics, "fleet_stream_lag{agent=\"metered\",partition=\"0\"}"));
        assertEquals(0.0, Prometheus.sample(metrics, "fleet_stream_pending{agent=\"metered\",partition=\"0\"}"));
        assertEquals(0.0, Prometheus.sample(metrics, "fleet_delayed{agent=\"metered\",partition=\"0\"}"));

        ObjectMapper json = new ObjectMapper();
        List<JsonNode> handled = new ArrayList<>();
        for (String line : worker.logText().lines().toList()) {
            if (line.startsWith("{") && line.contains("metered task handled")) {
                handled.add(json.readTree(line));
            }
        }
        assertEquals(3, handled.size(), worker.logText());
        for (JsonNode line : handled) {
            JsonNode mdc = line.get("mdc");
            String taskId = mdc.path("taskId").asText();
            AgentMessage task = tasks.stream()
                    .filter(t -> t.taskId().equals(taskId))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no task " + taskId + " in " + line));
            assertEquals(task.runId(), mdc.path("runId").asText(), line.toString());
            assertEquals(TRACE_ID, mdc.path("traceId").asText(), line.toString());
            assertEquals(
                    "io.agentfleet.worker.MeteredHandler",
                    line.get("loggerName").asText());
        }
        assertTrue(
                worker.logText()
                        .lines()
                        .filter(l -> l.contains("dead-lettered as invalid"))
                        .noneMatch(l -> l.contains("\"taskId\"")),
                "the MDC keys are cleared outside a handler");
    }
}
