package io.agentfleet.orchestrator.workflow.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.orchestrator.workflow.spec.Condition;
import io.agentfleet.orchestrator.workflow.spec.OnFailure;
import io.agentfleet.orchestrator.workflow.spec.TaskSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The stored text of a task record: its exact form, and the record read back from it writes the same text. */
class TaskRecordJsonTest {
    static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void aRecordWithEveryFieldIsWrittenInItsStoredFormAndReadsBackToTheSameText() throws Exception {
        TaskSpec spec = new TaskSpec(
                "t",
                "coder",
                MAPPER.readTree("{\"goal\":\"x\"}"),
                List.of("a", "b\"q"),
                new TaskSpec.ReviewSpec("reviewer", 2, true),
                true,
                false,
                Duration.ofSeconds(30),
                3,
                500L,
                Map.of("b\"q", OnFailure.CONTINUE),
                "simple-coder",
                new Condition("a", "/v", MAPPER.readTree("1"), true),
                null,
                null,
                null);
        TaskRecord t = new TaskRecord(spec, "planner", 1_000);
        t.state = TaskState.COMPLETED;
        t.revision = 1;
        t.dispatches = 2;
        t.attempts = 1;
        t.fallbackUsed = true;
        t.wireId = "run.t.1";
        t.output = MAPPER.readTree("{\"text\":\"line\\n\\\"quoted\\\" \\u00e9\"}");
        t.feedback = "tab\there";
        t.tokensIn = 10;
        t.tokensOut = 5;
        t.cost = 0.25;
        t.dispatchedAt = 2_000;
        t.completedAt = 3_000;

        String text = t.toJsonText();

        assertEquals(
                "{\"input\":{\"goal\":\"x\"},\"agent\":\"coder\",\"dependsOn\":[\"a\",\"b\\\"q\"],"
                        + "\"review\":{\"agent\":\"reviewer\",\"maxRevisions\":2,\"onExhausted\":\"accept\"},"
                        + "\"optional\":true,\"escalate\":false,\"timeoutMs\":30000,\"maxAttempts\":3,\"maxTokens\":500,"
                        + "\"spawnedBy\":\"planner\",\"onFailure\":{\"b\\\"q\":\"continue\"},"
                        + "\"fallback\":\"simple-coder\",\"fallbackUsed\":true,"
                        + "\"when\":{\"task\":\"a\",\"pointer\":\"/v\",\"notEquals\":1},"
                        + "\"state\":\"COMPLETED\",\"revision\":1,\"dispatches\":2,\"attempts\":1,\"wireId\":\"run.t.1\","
                        + "\"output\":{\"text\":\"line\\n\\\"quoted\\\" \u00e9\"},\"feedback\":\"tab\\there\","
                        + "\"tokensIn\":10,\"tokensOut\":5,\"reserved\":0,\"cost\":0.25,\"createdAt\":1000,"
                        + "\"dispatchedAt\":2000,\"completedAt\":3000}",
                text);
        assertEquals(MAPPER.readTree(text), MAPPER.readTree(text), "valid JSON");
        assertEquals(
                text,
                TaskRecord.fromJson("t", (ObjectNode) MAPPER.readTree(text)).toJsonText());
    }

    @Test
    void aFreshRecordWritesOnlyItsRequiredFields() throws Exception {
        TaskSpec spec = new TaskSpec(
                "t",
                "coder",
                MAPPER.readTree("\"plain\""),
                List.of(),
                null,
                false,
                false,
                null,
                0,
                null,
                Map.of(),
                null,
                null,
                null,
                null,
                null);

        assertEquals(
                "{\"input\":\"plain\",\"agent\":\"coder\",\"dependsOn\":[],\"optional\":false,\"escalate\":false,"
                        + "\"maxAttempts\":0,\"state\":\"PENDING\",\"revision\":0,\"dispatches\":0,\"attempts\":0,"
                        + "\"tokensIn\":0,\"tokensOut\":0,\"reserved\":0,\"cost\":0.0,\"createdAt\":7,"
                        + "\"dispatchedAt\":0,\"completedAt\":0}",
                new TaskRecord(spec, null, 7).toJsonText());
    }
}
