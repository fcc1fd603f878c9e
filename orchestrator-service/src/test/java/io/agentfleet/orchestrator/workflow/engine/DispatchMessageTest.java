package io.agentfleet.orchestrator.workflow.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.TraceContext;
import io.agentfleet.orchestrator.workflow.spec.RunSpec;
import io.agentfleet.orchestrator.workflow.spec.TaskSpec;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What an agent receives for a task or its review. */
class DispatchMessageTest {
    static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
    static final MessageCodec CODEC = new MessageCodec();
    static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    static TaskSpec task(String id, String... dependsOn) {
        return new TaskSpec(id, "echo", TextNode.valueOf(id + "-in"), List.of(dependsOn), null, false, false, null, 4);
    }

    static RunState run() {
        RunSpec spec = new RunSpec(
                List.of(task("a"), task("b"), task("c", "a", "b")),
                50,
                null,
                null,
                null,
                new TraceContext(TRACEPARENT, null));
        return RunState.create("r1", spec, "k", "acme", "workflow", NOW);
    }

    static ObjectNode output(String text) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("text", text);
        return o;
    }

    @Test
    void aTaskGetsItsInputTheOutputsOfItsCompletedDependenciesFeedbackAndAnswer() {
        RunState run = run();
        TaskRecord a = run.task("a");
        a.moveTo(TaskState.DISPATCHED);
        a.moveTo(TaskState.COMPLETED);
        a.output = output("from a");
        TaskRecord c = run.task("c");
        c.feedback = "shorter";
        c.answer = TextNode.valueOf("yes");
        c.revision = 2;

        ObjectNode content = DispatchMessage.taskContent(run, c);

        assertEquals("c-in", content.get("input").asText());
        assertEquals("from a", content.at("/context/a/text").asText());
        assertFalse(content.get("context").has("b"), "b has not completed");
        assertEquals("shorter", content.get("feedback").asText());
        assertEquals("yes", content.get("answer").asText());
        assertEquals(2, content.get("revision").asInt());
    }

    @Test
    void aReviewGetsTheTaskAndItsCandidateOutput() {
        TaskRecord a = run().task("a");
        a.candidate = output("draft");

        ObjectNode content = DispatchMessage.reviewContent(a);

        assertEquals("a", content.at("/input/task").asText());
        assertEquals("echo", content.at("/input/agent").asText());
        assertEquals("a-in", content.at("/input/input").asText());
        assertEquals("draft", content.at("/input/output/text").asText());
        assertEquals("draft", content.at("/context/a/text").asText());
        assertEquals(0, content.get("revision").asInt());
    }

    @Test
    void theEncodedRequestCarriesTheRunTenantTraceAndAttempts() throws Exception {
        RunState run = run();
        TaskRecord c = run.task("c");
        String wireId = WireIds.of("r1", "c", 0, false);
        ObjectNode content = DispatchMessage.taskContent(run, c);

        OutboxEntry task = DispatchMessage.encode(CODEC, run, c, "echo", wireId, content, false, 123L, NOW);
        OutboxEntry review = DispatchMessage.encode(CODEC, run, c, "judge", wireId, content, true, null, NOW);

        AgentMessage m = CODEC.decode(task.message());
        assertEquals("echo", task.agent());
        assertEquals(wireId, m.taskId());
        assertEquals("r1", m.runId());
        assertEquals("acme", m.tenant());
        assertEquals(DispatchMessage.SENDER, m.sender());
        assertEquals(4, m.maxAttempts());
        assertEquals(123L, m.deadline());
        assertEquals(TRACEPARENT, m.trace().traceparent());
        assertEquals(NOW.toEpochMilli(), m.createdAt());
        assertEquals(content, m.content());
        assertEquals(0, CODEC.decode(review.message()).maxAttempts());
        assertEquals("judge", CODEC.decode(review.message()).recipient());
    }
}
