package io.agentfleet.orchestrator.workflow.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.DeadLetterReason;
import io.agentfleet.messages.ErrorContent;
import io.agentfleet.messages.Failure;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.MessageLimits;
import io.agentfleet.messages.Metadata;
import io.agentfleet.messages.RunEventData.TaskSkipped;
import io.agentfleet.messages.RunStatus;
import io.agentfleet.orchestrator.config.ConfigFactory;
import io.agentfleet.orchestrator.config.OrchestratorConfig;
import io.agentfleet.orchestrator.registry.KnownAgents;
import io.agentfleet.orchestrator.workflow.schedule.DeadlineMember;
import io.agentfleet.orchestrator.workflow.spec.SpecParser;
import io.micronaut.context.env.PropertySource;
import io.micronaut.context.env.PropertySourcePropertyResolver;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Edge failure policies, fallback agent types and conditions, driving the engine without Redis. */
class EdgesTest {
    static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
    static final MessageCodec CODEC = new MessageCodec();
    static final ObjectMapper MAPPER = new ObjectMapper();

    final RunEngine engine = new RunEngine(CODEC, parser(), (key, tokens, cost, now) -> null);

    static SpecParser parser() {
        PropertySourcePropertyResolver props =
                new PropertySourcePropertyResolver(PropertySource.of("test", Map.of("fleet.api-keys-plain", "t:k")));
        OrchestratorConfig config = ConfigFactory.read(props);
        return new SpecParser(
                config,
                MessageLimits.DEFAULT,
                new KnownAgents(
                        ConfigFactory.readKnownAgents(props, config),
                        () -> Set.of("coder", "simple-coder", "reviewer")));
    }

    RunState start(String tasks) throws Exception {
        ObjectNode body = (ObjectNode) MAPPER.readTree("{\"tasks\":" + tasks + "}");
        return engine.start(parser().workflow(body, NOW), "k", "t", "workflow", NOW);
    }

    static AgentMessage request(RunState run, String task) {
        String wireId = run.task(task).wireId;
        OutboxEntry sent = run.outbox.stream()
                .filter(o -> o.wireId().equals(wireId))
                .reduce((first, last) -> last)
                .orElseThrow();
        return CODEC.decode(sent.message());
    }

    void succeed(RunState run, String task, String output) throws Exception {
        ObjectNode out = (ObjectNode) MAPPER.readTree(output);
        engine.onOutcome(run, request(run, task).resultOf("worker", out, Metadata.EMPTY), NOW);
    }

    void fail(RunState run, String task) {
        fail(run, request(run, task));
    }

    void fail(RunState run, AgentMessage request) {
        ErrorContent error = ErrorContent.deadLettered(
                DeadLetterReason.MAX_ATTEMPTS_EXCEEDED, Failure.permanent("BOOM", "agent failed"));
        engine.onOutcome(run, request.errorOf("worker", error), NOW);
    }

    static TaskState state(RunState run, String task) {
        return run.task(task).state;
    }

    static String errorType(RunState run, String task) {
        return run.task(task).error.path("type").asText();
    }

    @Test
    void anExplicitFailEdgeFailsTheDownstreamTaskAndTheRunEvenAfterAnOptionalUpstream() throws Exception {
        RunState run = start("""
                [{"id":"a","input":"a","agent":"coder","optional":true},
                 {"id":"b","input":"b","agent":"coder","dependsOn":[{"task":"a","onFailure":"fail"}]}]""");
        fail(run, "a");

        assertEquals(TaskState.FAILED, state(run, "b"));
        assertEquals("UPSTREAM_FAILED", errorType(run, "b"));
        assertEquals(RunStatus.FAILED, run.status());
    }

    @Test
    void aSkipEdgeSkipsTheDownstreamTaskWithItsReasonAndReleasesItsOwnDependents() throws Exception {
        RunState run = start("""
                [{"id":"a","input":"a","agent":"coder"},
                 {"id":"b","input":"b","agent":"coder","dependsOn":[{"task":"a","onFailure":"skip"}]},
                 {"id":"c","input":"c","agent":"coder","dependsOn":["b"]}]""");
        fail(run, "a");

        assertEquals(RunStatus.RUNNING, run.status(), "a failure every dependent skips does not fail the run");
        assertEquals(TaskState.SKIPPED, state(run, "b"));
        assertEquals("UPSTREAM_FAILED", errorType(run, "b"));
        assertTrue(run.events.stream()
                .anyMatch(e -> e instanceof TaskSkipped s
                        && s.task().taskId().equals("b")
                        && s.task().error() != null));
        assertEquals(TaskState.DISPATCHED, state(run, "c"));
        succeed(run, "c", "{\"done\":true}");
        assertEquals(RunStatus.COMPLETED, run.status());
    }

    @Test
    void aContinueEdgeRunsTheDownstreamTaskWithoutTheFailedOutput() throws Exception {
        RunState run = start("""
                [{"id":"a","input":"a","agent":"coder"},{"id":"x","input":"x","agent":"coder"},
                 {"id":"b","input":"b","agent":"coder","dependsOn":[{"task":"a","onFailure":"continue"},"x"]}]""");
        fail(run, "a");
        succeed(run, "x", "{\"from\":\"x\"}");

        assertEquals(TaskState.DISPATCHED, state(run, "b"));
        ObjectNode context = (ObjectNode) request(run, "b").content().get("context");
        Set<String> given = new HashSet<>();
        context.fieldNames().forEachRemaining(given::add);
        assertEquals(Set.of("x"), given);
        succeed(run, "b", "{}");
        assertEquals(RunStatus.COMPLETED, run.status());
    }

    @Test
    void aFailureFailsTheRunWhenAnyDependentKeepsTheDefaultFailEdge() throws Exception {
        RunState run = start("""
                [{"id":"a","input":"a","agent":"coder"},
                 {"id":"b","input":"b","agent":"coder","dependsOn":[{"task":"a","onFailure":"skip"}]},
                 {"id":"c","input":"c","agent":"coder","dependsOn":["a"]}]""");
        fail(run, "a");

        assertEquals(RunStatus.FAILED, run.status());
    }

    @Test
    void aFailedTaskIsDispatchedOnceToItsFallbackAgentTypeCountingAsAStep() throws Exception {
        RunState run = start("[{\"id\":\"a\",\"input\":\"a\",\"agent\":\"coder\",\"fallback\":\"simple-coder\"}]");
        AgentMessage first = request(run, "a");
        fail(run, first);

        AgentMessage second = request(run, "a");
        assertEquals(TaskState.DISPATCHED, state(run, "a"));
        assertEquals("simple-coder", second.recipient());
        assertEquals(2, run.steps());
        assertEquals("simple-coder", RunEngine.awaitedAgent(run, second.taskId()));
        assertTrue(RunView.of(run).at("/tasks/0/fallbackUsed").asBoolean());

        fail(run, first);
        assertEquals(TaskState.DISPATCHED, state(run, "a"), "a late outcome of the failed attempt is ignored");

        succeed(run, "a", "{\"ok\":true}");
        assertEquals(RunStatus.COMPLETED, run.status());
    }

    @Test
    void aFallbackThatFailsTooFailsTheRun() throws Exception {
        RunState run = start("[{\"id\":\"a\",\"input\":\"a\",\"agent\":\"coder\",\"fallback\":\"simple-coder\"}]");
        fail(run, "a");
        fail(run, "a");

        assertEquals(TaskState.FAILED, state(run, "a"));
        assertEquals(RunStatus.FAILED, run.status());
        assertEquals(2, run.task("a").dispatches);
    }

    @Test
    void aFallbackIsTriedBeforeEscalation() throws Exception {
        RunState run = start(
                "[{\"id\":\"a\",\"input\":\"a\",\"agent\":\"coder\",\"fallback\":\"simple-coder\",\"escalate\":true}]");
        fail(run, "a");
        assertEquals(TaskState.DISPATCHED, state(run, "a"));

        fail(run, "a");
        assertEquals(TaskState.WAITING_HUMAN, state(run, "a"));
        assertEquals(RunStatus.NEEDS_HUMAN, run.status());
    }

    @Test
    void aConditionRoutesOnTheVerdictAndAFalseOneSkipsTheTaskAndReleasesItsDependents() throws Exception {
        RunState run = start("""
                [{"id":"review","input":"review","agent":"reviewer"},
                 {"id":"ship","input":"ship","agent":"coder","dependsOn":["review"],
                  "when":{"task":"review","pointer":"/verdict","equals":"approve"}},
                 {"id":"fix","input":"fix","agent":"coder","dependsOn":["review"],
                  "when":{"task":"review","pointer":"/verdict","notEquals":"approve"}},
                 {"id":"report","input":"report","agent":"coder","dependsOn":["ship"]}]""");
        succeed(run, "review", "{\"verdict\":\"reject\"}");

        assertEquals(TaskState.SKIPPED, state(run, "ship"));
        assertEquals("CONDITION_FALSE", errorType(run, "ship"));
        assertTrue(run.task("ship").error.path("message").asText().contains("/verdict"));
        assertEquals(TaskState.DISPATCHED, state(run, "fix"));
        assertEquals(TaskState.DISPATCHED, state(run, "report"), "a skipped task's dependents are released");
        succeed(run, "fix", "{}");
        succeed(run, "report", "{}");
        assertEquals(RunStatus.COMPLETED, run.status());
    }

    @Test
    void aTrueConditionDispatchesTheTask() throws Exception {
        RunState run = start("""
                [{"id":"review","input":"review","agent":"reviewer"},
                 {"id":"ship","input":"ship","agent":"coder","dependsOn":["review"],
                  "when":{"task":"review","pointer":"/verdict","equals":"approve"}}]""");
        succeed(run, "review", "{\"verdict\":\"approve\"}");

        assertEquals(TaskState.DISPATCHED, state(run, "ship"));
        assertFalse(run.status().isTerminal());
    }

    @Test
    void aTimeoutOrAnExhaustedRejectionAlsoHandsTheTaskToItsFallback() throws Exception {
        RunState timed = start("[{\"id\":\"a\",\"input\":\"a\",\"agent\":\"coder\",\"timeout\":\"1s\","
                + "\"fallback\":\"simple-coder\"}]");
        engine.onDeadline(
                timed, DeadlineMember.parse(DeadlineMember.forTask(timed.runId, timed.task("a").wireId)), NOW);
        assertEquals(TaskState.DISPATCHED, state(timed, "a"));
        assertEquals("simple-coder", request(timed, "a").recipient());
        assertEquals("TIMEOUT", errorType(timed, "a"), "the failure that triggered the fallback stays visible");

        RunState rejected = start("[{\"id\":\"a\",\"input\":\"a\",\"agent\":\"coder\",\"fallback\":\"simple-coder\","
                + "\"review\":{\"agent\":\"reviewer\",\"maxRevisions\":0,\"onExhausted\":\"fail\"}}]");
        succeed(rejected, "a", "{\"draft\":1}");
        assertEquals(TaskState.REVIEWING, state(rejected, "a"));
        succeed(rejected, "a", "{\"approved\":false,\"feedback\":\"no\"}");
        assertEquals(TaskState.DISPATCHED, state(rejected, "a"));
        assertEquals("simple-coder", request(rejected, "a").recipient());
    }

    @Test
    void aConditionOnADependencyWithoutAnOutputIsFalse() throws Exception {
        RunState run = start("""
                [{"id":"a","input":"a","agent":"coder"},
                 {"id":"b","input":"b","agent":"coder","dependsOn":[{"task":"a","onFailure":"continue"}],
                  "when":{"task":"a","pointer":"/ok","notEquals":false}}]""");
        fail(run, "a");

        assertEquals(TaskState.SKIPPED, state(run, "b"));
        assertEquals("CONDITION_FALSE", errorType(run, "b"));
        assertEquals(RunStatus.COMPLETED, run.status());
    }

    @Test
    void edgesFallbackAndConditionSurviveTheStoredRecord() throws Exception {
        RunState run = start("""
                [{"id":"a","input":"a","agent":"coder"},
                 {"id":"b","input":"b","agent":"coder","fallback":"simple-coder",
                  "dependsOn":[{"task":"a","onFailure":"skip"}],
                  "when":{"task":"a","pointer":"/v","notEquals":[1]}}]""");
        TaskRecord b = run.task("b");
        b.fallbackUsed = true;

        TaskRecord stored = TaskRecord.fromJson("b", (ObjectNode) MAPPER.readTree(b.toJsonText()));
        assertEquals(b.onFailure, stored.onFailure);
        assertEquals(b.when, stored.when);
        assertEquals("simple-coder", stored.currentAgent());
        assertEquals(b.toJsonText(), stored.toJsonText());
    }

    @Test
    void aTaskAddedLaterWithAFailEdgeToAHandledFailureFailsTheRunInsteadOfWaiting() throws Exception {
        RunState run = start("""
                [{"id":"a","input":"a","agent":"coder"},
                 {"id":"b","input":"b","agent":"coder","dependsOn":[{"task":"a","onFailure":"continue"}]},
                 {"id":"hold","input":"hold","agent":"coder"}]""");
        fail(run, "a");
        run.addTask(new TaskRecord(DagReadinessTest.task("late", false, "a"), "hold", 0));
        engine.onOutcome(run, request(run, "b").resultOf("worker", MAPPER.createObjectNode(), Metadata.EMPTY), NOW);

        assertEquals(TaskState.FAILED, state(run, "late"));
        assertEquals("UPSTREAM_FAILED", errorType(run, "late"));
        assertEquals(RunStatus.FAILED, run.status());
    }
}
