package io.agentfleet.orchestrator.workflow.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.Ids;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.MessageLimits;
import io.agentfleet.messages.Metadata;
import io.agentfleet.messages.RunEventData.ChildRunStarted;
import io.agentfleet.messages.RunStatus;
import io.agentfleet.orchestrator.config.ConfigFactory;
import io.agentfleet.orchestrator.config.OrchestratorConfig;
import io.agentfleet.orchestrator.registry.KnownAgents;
import io.agentfleet.orchestrator.workflow.schedule.DeadlineMember;
import io.agentfleet.orchestrator.workflow.spec.SpecParser;
import io.micronaut.context.env.PropertySource;
import io.micronaut.context.env.PropertySourcePropertyResolver;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Sub-workflow tasks: dispatch, child start, settling the parent and cancelling the child, without Redis. */
class ChildRunsTest {
    static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
    static final MessageCodec CODEC = new MessageCodec();
    static final ObjectMapper MAPPER = new ObjectMapper();

    final SpecParser parser = parser(Map.of());
    final RunEngine engine = new RunEngine(CODEC, parser, (key, tokens, cost, now) -> null);

    static SpecParser parser(Map<String, Object> extra) {
        Map<String, Object> all = new java.util.HashMap<>(Map.of("fleet.api-keys-plain", "t:k"));
        all.putAll(extra);
        PropertySourcePropertyResolver props = new PropertySourcePropertyResolver(PropertySource.of("test", all));
        OrchestratorConfig config = ConfigFactory.read(props);
        return new SpecParser(
                config,
                MessageLimits.DEFAULT,
                new KnownAgents(ConfigFactory.readKnownAgents(props, config), () -> Set.of("coder", "reviewer")));
    }

    RunState start(String body) throws Exception {
        return engine.start(parser.workflow((ObjectNode) MAPPER.readTree(body), NOW), "k", "t", "workflow", NOW);
    }

    static final String PARENT = """
            {"budget":{"maxTokens":1000},"tasks":[
              {"id":"sub","maxTokens":300,"workflow":{"tasks":[
                 {"id":"a","agent":"coder","input":"a"},
                 {"id":"b","agent":"reviewer","input":"b","dependsOn":["a"]}]}},
              {"id":"after","agent":"coder","input":"after","dependsOn":["sub"]}]}""";

    void succeed(RunState run, String task, String output, long tokens) throws Exception {
        String wireId = run.task(task).wireId;
        OutboxEntry sent = run.outbox.stream()
                .filter(o -> o.wireId().equals(wireId))
                .reduce((first, last) -> last)
                .orElseThrow();
        AgentMessage request = CODEC.decode(sent.message());
        Metadata usage = new Metadata(tokens, 0L, 0.0, "m", null, null);
        engine.onOutcome(run, request.resultOf("worker", (ObjectNode) MAPPER.readTree(output), usage), NOW);
    }

    @Test
    void dispatchingASubWorkflowTaskReservesItsBudgetAndNamesADeterministicChildRun() throws Exception {
        RunState parent = start(PARENT);
        TaskRecord sub = parent.task("sub");

        assertEquals(TaskState.DISPATCHED, sub.state);
        assertEquals(Ids.derivedFrom(parent.runId, sub.wireId), sub.childRun);
        assertTrue(sub.childRun.matches("[0-9A-Z]{26}"), sub.childRun);
        assertEquals(parent.runId.substring(0, 10), sub.childRun.substring(0, 10), "sorts with its parent");
        assertEquals(300, parent.spend().reservedTokens());
        assertTrue(parent.outbox.isEmpty(), "nothing goes to an agent's stream");
        assertEquals(1, parent.childStarts.size());
        ChildStart child = parent.childStarts.get(0);
        assertEquals(sub.childRun, child.runId());
        assertEquals(300L, child.spec().maxTokens(), "the child's budget is the task's reservation");
        assertEquals(1, child.depth());
        assertEquals(sub.wireId, child.parentWireId());
        assertTrue(parent.events.stream()
                .anyMatch(e -> e instanceof ChildRunStarted s && s.childRun().equals(sub.childRun)));
        assertEquals(child, engine.awaitedChild(parent, sub.wireId, NOW), "a retried start starts the same child");
    }

    @Test
    void aCompletedChildCompletesTheTaskWithItsSinkOutputsAndItsSpendCountsForTheParent() throws Exception {
        RunState parent = start(PARENT);
        RunState child = engine.startChild(parent.childStarts.get(0), NOW);
        assertEquals(parent.runId, child.parentRun());
        assertEquals("sub", child.parentTask());
        succeed(child, "a", "{\"v\":1}", 40);
        succeed(child, "b", "{\"v\":2}", 60);
        assertEquals(RunStatus.COMPLETED, child.status());

        ChildEnd end = RunEngine.childEnd(child);
        engine.onChildEnded(parent, end, NOW);

        TaskRecord sub = parent.task("sub");
        assertEquals(TaskState.COMPLETED, sub.state);
        assertEquals(MAPPER.readTree("{\"b\":{\"v\":2}}"), sub.output, "only the sink task's output");
        assertEquals(100, parent.spend().tokensIn() + parent.spend().tokensOut());
        assertEquals(0, parent.spend().reservedTokens());
        assertTrue(parent.usage.isEmpty(), "the child's results counted it toward the key's daily usage already");
        assertEquals(TaskState.DISPATCHED, parent.task("after").state);
        engine.onChildEnded(parent, end, NOW);
        assertEquals(TaskState.COMPLETED, sub.state, "a replay changes nothing");
    }

    @Test
    void aChildThatDoesNotCompleteFailsTheTaskWithItsStatusAndEdgePoliciesApply() throws Exception {
        RunState parent = start("""
                {"tasks":[{"id":"sub","workflow":{"tasks":[{"id":"a","agent":"coder","input":"a"}]}},
                  {"id":"after","agent":"coder","input":"x","dependsOn":[{"task":"sub","onFailure":"continue"}]}]}""");
        RunState child = engine.startChild(parent.childStarts.get(0), NOW);
        engine.cancel(child, NOW);

        engine.onChildEnded(parent, RunEngine.childEnd(child), NOW);

        TaskRecord sub = parent.task("sub");
        assertEquals(TaskState.FAILED, sub.state);
        assertEquals("CHILD_CANCELLED", sub.error.path("type").asText());
        assertEquals(child.runId, sub.error.path("childRun").asText());
        assertEquals("CANCELLED", sub.error.path("childError").path("type").asText());
        assertEquals(RunStatus.RUNNING, parent.status(), "the continue edge lets the run go on");
        assertEquals(TaskState.DISPATCHED, parent.task("after").state);
    }

    @Test
    void aParentThatEndsListsItsRunningChildToCancel() throws Exception {
        RunState parent = start(PARENT);
        String child = parent.task("sub").childRun;
        RunState next = RunState.load(parent.runId, parent.committedFields(1), MAPPER);

        engine.cancel(next, NOW);

        assertEquals(List.of(child), RunEngine.childRunsToCancel(next));
        assertEquals(
                List.of(), RunEngine.childRunsToCancel(RunState.load(parent.runId, next.committedFields(2), MAPPER)));
    }

    @Test
    void aParentThatEndsKeepsTheCheckOfItsRunningChildWhichThenNamesTheOrphan() throws Exception {
        RunState parent = start(PARENT);
        String wireId = parent.task("sub").wireId;
        String child = parent.task("sub").childRun;
        assertNull(RunEngine.orphanedChild(parent, wireId), "a running parent waits for its child");
        RunState next = RunState.load(parent.runId, parent.committedFields(1), MAPPER);

        engine.cancel(next, NOW);
        assertTrue(next.settled().contains(wireId), "cancelling settles every dispatch");
        RunEngine.keepChecksOfChildrenToCancel(next);

        assertFalse(next.settled().contains(wireId), "the check outlives the commit, in case the cancel is lost");
        assertEquals(child, RunEngine.orphanedChild(next, wireId));
        assertNull(RunEngine.orphanedChild(next, "not-a-wire-id"));
    }

    @Test
    void aChildRunDeeperThanTheLimitFailsItsTaskAtDispatch() throws Exception {
        RunEngine shallow = new RunEngine(
                CODEC, parser(Map.of("fleet.orchestrator.max-workflow-depth", "1")), (k, t, c, n) -> null);
        RunState parent =
                shallow.start(parser.workflow((ObjectNode) MAPPER.readTree("""
                        {"tasks":[{"id":"sub","workflow":{"tasks":[
                          {"id":"inner","workflow":{"tasks":[{"id":"a","agent":"coder"}]}}]}}]}"""), NOW), "k", "t", "workflow", NOW);
        RunState child = shallow.startChild(parent.childStarts.get(0), NOW);

        TaskRecord inner = child.task("inner");
        assertEquals(TaskState.FAILED, inner.state);
        assertEquals("WORKFLOW_TOO_DEEP", inner.error.path("type").asText());
        assertNull(inner.childRun);
        assertEquals(RunStatus.FAILED, child.status());
    }

    @Test
    void aSubWorkflowThatDoesNotFitTheParentsBudgetIsNotStarted() throws Exception {
        RunState parent = start("""
                {"budget":{"maxTokens":500},"tasks":[
                  {"id":"one","maxTokens":300,"workflow":{"tasks":[{"id":"a","agent":"coder"}]}},
                  {"id":"two","maxTokens":300,"workflow":{"tasks":[{"id":"a","agent":"coder"}]}}]}""");

        assertEquals(RunStatus.BUDGET_EXCEEDED, parent.status());
        assertEquals(1, parent.childStarts.size(), "only the child that fits was to start");
        assertNotNull(parent.task("one").childRun);
    }

    @Test
    void theTasksOfAScheduledParentsChildWaitForTheParentsStart() throws Exception {
        RunState parent = start("""
                {"delay":"1h","tasks":[{"id":"sub","workflow":{"tasks":[{"id":"a","agent":"coder"}]}}]}""");
        ChildStart start = parent.childStarts.get(0);
        assertEquals(NOW.plusSeconds(3600), start.spec().startAt());

        RunState child = engine.startChild(start, NOW);
        assertEquals(NOW.plusSeconds(3600).toEpochMilli(), child.outbox.get(0).dueAt());
    }

    @Test
    void aSubWorkflowTaskThatTimesOutFailsAndListsItsChildToCancel() throws Exception {
        RunState parent = start("""
                {"tasks":[{"id":"sub","timeout":"1s","optional":true,
                           "workflow":{"tasks":[{"id":"a","agent":"coder"}]}}]}""");
        TaskRecord sub = parent.task("sub");
        assertTrue(parent.deadlines.stream()
                .anyMatch(d -> d.member().equals(DeadlineMember.forTask(parent.runId, sub.wireId))));

        engine.onDeadline(parent, DeadlineMember.parse(DeadlineMember.forTask(parent.runId, sub.wireId)), NOW);

        assertEquals(TaskState.FAILED, sub.state);
        assertEquals("TIMEOUT", sub.error.path("type").asText());
        assertEquals(List.of(sub.childRun), RunEngine.childRunsToCancel(parent));
    }
}
