package io.agentfleet.worker;

import static io.agentfleet.worker.TestFleet.KEYS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.testsupport.Await;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

/** Handler checkpoints across worker processes: the built-in {@code steps} handler resumes where it stopped. */
class CheckpointResumeTest {
    private static final String AGENT = "resume";
    private static final int STEPS = 10;
    private static final int MAX_BYTES = 4096;

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.create();

    @Test
    void handlerKilledAfterCheckpointingResumesFromItOnAnotherWorker() {
        try (UnifiedJedis jedis = redis.client()) {
            AgentMessage task = TestFleet.task(AGENT, "{\"steps\":" + STEPS + ",\"stepMs\":500}");
            String checkpoint = KEYS.checkpoint(AGENT, 0, task.taskId());
            try (JavaProcess victim = TestFleet.startWorker(stepsWorker(), AGENT)) {
                TestFleet.enqueue(jedis, task);
                Await.until(
                        Duration.ofSeconds(60),
                        () -> stepsCheckpointed(jedis, checkpoint) >= 3,
                        "the victim to checkpoint step 3");
                victim.kill9();
            }
            // The victim is dead: this is the checkpoint the next attempt must find.
            int checkpointed = stepsCheckpointed(jedis, checkpoint);
            assertEquals("1", jedis.hget(checkpoint, "attempt"));
            try (JavaProcess survivor = TestFleet.startWorker(stepsWorker(), AGENT)) {
                Await.until(
                        Duration.ofSeconds(60),
                        () -> TestFleet.outcome(jedis, AGENT, task.taskId()) != null,
                        "the task to complete on the survivor");
                AgentMessage outcome = TestFleet.outcome(jedis, AGENT, task.taskId());
                JsonNode out = outcome.content();
                assertEquals(2, outcome.attempt(), out.toString());
                assertEquals(checkpointed, out.get("resumedFrom").asInt(), out.toString());
                assertEquals(1, out.get("resumedFromAttempt").asInt(), out.toString());
                assertEquals(STEPS - checkpointed, out.get("ranThisAttempt").asInt(), out.toString());
                // Every step is in the log once: the victim's checkpointed ones by attempt 1, the rest by attempt 2.
                // At most the victim's step in flight when it died ran twice: STEPS + 1 steps of work at most.
                List<Integer> ranBy = new ArrayList<>();
                out.get("ranBy").forEach(n -> ranBy.add(n.asInt()));
                assertEquals(STEPS, ranBy.size(), out.toString());
                for (int step = 1; step <= STEPS; step++) {
                    assertEquals(step <= checkpointed ? 1 : 2, ranBy.get(step - 1), "step " + step + ": " + out);
                }
                assertTrue(checkpointed + 1 + out.get("ranThisAttempt").asInt() <= STEPS + 1);
                assertFalse(jedis.exists(checkpoint), "the checkpoint is deleted with the outcome");
            }
        }
    }

    @Test
    void retryResumesFromTheFailedAttemptsCheckpointOversizeIsRefusedAndDeadLetteringDeletesIt() {
        try (UnifiedJedis jedis = redis.client();
                JavaProcess worker = TestFleet.startWorker(stepsWorker(), AGENT)) {
            AgentMessage retried = TestFleet.task(AGENT, "{\"steps\":5,\"failAtStep\":3}");
            AgentMessage oversize = TestFleet.task(AGENT, "{\"steps\":3,\"padBytes\":" + (MAX_BYTES + 1) + "}");
            // Its only attempt fails after checkpointing: dead-lettered, and the checkpoint goes with the outcome.
            AgentMessage dead = AgentMessage.request(AGENT, TestFleet.content("{\"steps\":2,\"failAtStep\":1}"))
                    .maxAttempts(1)
                    .build();
            TestFleet.enqueue(jedis, AGENT, List.of(retried, oversize, dead));
            Await.until(Duration.ofSeconds(60), () -> TestFleet.doneCount(jedis, AGENT) == 3, "all three tasks done");

            AgentMessage second = TestFleet.outcome(jedis, AGENT, retried.taskId());
            JsonNode out = second.content();
            assertEquals(2, second.attempt(), out.toString());
            assertEquals(3, out.get("resumedFrom").asInt(), out.toString());
            assertEquals(1, out.get("resumedFromAttempt").asInt(), out.toString());
            assertEquals("[1,1,1,2,2]", out.get("ranBy").toString());

            JsonNode refused =
                    TestFleet.outcome(jedis, AGENT, oversize.taskId()).content();
            assertTrue(
                    refused.path("checkpointRefused").asText().contains("more than the limit of " + MAX_BYTES),
                    refused.toString());
            assertEquals(0, refused.get("resumedFrom").asInt());
            assertFalse(jedis.exists(KEYS.checkpoint(AGENT, 0, retried.taskId())));
            assertFalse(jedis.exists(KEYS.checkpoint(AGENT, 0, oversize.taskId())));

            assertEquals(1, TestFleet.deadLetters(jedis, AGENT).size());
            assertFalse(
                    jedis.exists(KEYS.checkpoint(AGENT, 0, dead.taskId())), "dead-lettering deletes the checkpoint");
        }
    }

    /** Reads {@code resume} with the {@code steps} handler; claim-after 2 s and lease 1 s from {@link TestFleet}. */
    private static JavaProcess.Builder stepsWorker() {
        return TestFleet.worker(
                redis.uri(),
                AGENT,
                "FLEET_AGENTS_RESUME_HANDLER",
                "steps",
                "FLEET_CHECKPOINT_MAX_BYTES",
                Integer.toString(MAX_BYTES));
    }

    private static int stepsCheckpointed(UnifiedJedis jedis, String checkpoint) {
        String data = jedis.hget(checkpoint, "data");
        return data == null ? 0 : TestFleet.content(data).get("ranBy").size();
    }
}
