package io.agentfleet.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.orchestrator.support.Api;
import io.agentfleet.orchestrator.support.Orchestrators;
import io.agentfleet.testsupport.Await;
import io.agentfleet.testsupport.Prometheus;
import io.agentfleet.testsupport.RedisExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Runs submitted with {@code delay} or {@code runAt}: accepted at once, counted as scheduled, cancelled before they
 * are due, and promoted by the orchestrator itself when no worker of the type runs.
 */
class ScheduledRunsTest {
    private static final StreamKeys KEYS = StreamKeys.DEFAULT;

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.create();

    static Orchestrators.Orchestrator server;
    static Api api;

    @BeforeAll
    static void start() {
        Map<String, String> props = Orchestrators.fastRecovery();
        props.put("fleet.orchestrator.allowed-agents", "s-later,s-soon");
        props.put("fleet.orchestrator.promote-interval", "100ms");
        server = Orchestrators.orchestrator(redis.uri(), props);
        api = server.api();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void scheduledRunIsCountedAndItsTasksLeaveWhenCancelled() {
        Api.Response accepted = api.post("/v1/workflows", """
                {"delay":"1h","tasks":[{"id":"a","agent":"s-later","input":1},{"id":"b","agent":"s-later","input":2},
                  {"id":"c","agent":"s-later","input":3,"dependsOn":["a"]}]}""");
        assertEquals(202, accepted.status(), accepted.toString());
        String runId = accepted.json().get("runId").asText();
        Instant startAt = Instant.parse(accepted.json().get("startAt").asText());
        assertTrue(startAt.isAfter(Instant.now().plus(Duration.ofMinutes(59))), "starts in an hour: " + startAt);
        assertEquals(startAt.toString(), api.run(runId).get("startAt").asText());

        JsonNode agent = api.get("/v1/agents/s-later").json();
        assertEquals(2, agent.get("scheduled").asLong(), "the two roots wait: " + agent);
        assertEquals(0, agent.get("delayed").asLong(), "no retries: " + agent);
        assertEquals(0, agent.get("length").asLong(), "nothing on the stream yet: " + agent);

        Await.until(
                Duration.ofSeconds(30),
                () -> Prometheus.sample(server.prometheus(), "fleet_scheduled{agent=\"s-later\",partition=\"0\"}")
                        == 2.0,
                "the scheduled gauge counts the two roots");

        assertEquals(
                404,
                api.withKey(Orchestrators.OTHER_KEY).delete("/v1/runs/" + runId).status());
        assertEquals(2, redis.client().hlen(KEYS.scheduled("s-later", 0)), "another tenant cancelled nothing");
        Api.Response cancelled = api.delete("/v1/runs/" + runId);
        assertEquals(200, cancelled.status(), cancelled.toString());
        assertEquals("CANCELLED", cancelled.json().get("status").asText());
        assertEquals(0, redis.client().zcard(KEYS.delayed("s-later", 0)), "the scheduled tasks left the delayed set");
        assertEquals(0, api.get("/v1/agents/s-later").json().get("scheduled").asLong());
    }

    @Test
    void dueTaskIsPromotedByTheOrchestratorWithItsTimeoutCountedFromItsStart() {
        Api.Response accepted = api.post("/v1/tasks", """
                {"agent":"s-soon","input":{"n":1},"delay":"300ms","timeout":"10s"}""");
        assertEquals(202, accepted.status(), accepted.toString());
        long startAt = Instant.parse(accepted.json().get("startAt").asText()).toEpochMilli();

        // No worker of s-soon runs: only the orchestrator's promoter can move the task to its stream.
        Await.until(
                Duration.ofSeconds(30),
                () -> redis.client().xlen(KEYS.tasks("s-soon")) == 1,
                "the orchestrator promoted the due task");
        List<StreamEntry> entries =
                redis.client().xrange(KEYS.tasks("s-soon"), (StreamEntryID) null, (StreamEntryID) null);
        assertTrue(entries.getFirst().getID().getTime() >= startAt, "not enqueued before its start");
        AgentMessage task =
                new MessageCodec().decode(entries.getFirst().getFields().get(StreamKeys.MESSAGE_FIELD));
        assertNotNull(task.deadline());
        assertEquals(startAt + 10_000, task.deadline(), "the timeout counts from the start, not the submission");
        assertEquals(0, redis.client().hlen(KEYS.scheduled("s-soon", 0)));
    }
}
