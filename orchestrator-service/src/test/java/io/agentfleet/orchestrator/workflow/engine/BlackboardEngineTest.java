package io.agentfleet.orchestrator.workflow.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.Metadata;
import io.agentfleet.messages.RunEventData;
import io.agentfleet.messages.RunEventData.BlackboardConflict;
import io.agentfleet.messages.RunEventData.BlackboardEntry;
import io.agentfleet.messages.RunEventData.BlackboardEvent;
import io.agentfleet.messages.RunEventData.BlackboardUpdated;
import io.agentfleet.messages.RunStatus;
import io.agentfleet.orchestrator.workflow.blackboard.BlackboardHistoryFull;
import io.agentfleet.orchestrator.workflow.blackboard.BlackboardLimits;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The blackboard rules inside transitions (compare-and-set, history, bounds, rollback), driving the engine without Redis. */
class BlackboardEngineTest {
    static final ObjectMapper MAPPER = new ObjectMapper();
    final RunEngine engine = new RunEngine(EdgesTest.CODEC, EdgesTest.parser(), (key, tokens, cost, now) -> null);

    RunState start(String body) throws Exception {
        return engine.start(
                EdgesTest.parser().workflow((ObjectNode) MAPPER.readTree(body), EdgesTest.NOW),
                "k",
                "t",
                "workflow",
                EdgesTest.NOW);
    }

    static final String TWO_WRITERS = """
            {"blackboard":{"notes":["start"]},
             "tasks":[{"id":"a","agent":"coder","input":"a","blackboard":{"writes":["notes"]}},
                      {"id":"b","agent":"reviewer","input":"b","blackboard":{"reads":["notes"],"writes":["notes"],
                       "maxConflictRetries":1}}]}""";

    AgentMessage request(RunState run, String task) {
        return EdgesTest.request(run, task);
    }

    void write(RunState run, AgentMessage request, String output) throws Exception {
        engine.onOutcome(
                run, request.resultOf("worker-7", (ObjectNode) MAPPER.readTree(output), Metadata.EMPTY), EdgesTest.NOW);
    }

    static List<BlackboardEvent> history(RunState run) {
        List<BlackboardEvent> out = new ArrayList<>();
        for (RunEventData e : run.events) {
            if (e instanceof BlackboardEvent b) {
                out.add(b);
            }
        }
        return out;
    }

    @Test
    void initialValuesAreVersionOneAndEveryDeclaredSectionArrivesWithItsVersion() throws Exception {
        RunState run = start(TWO_WRITERS);
        BlackboardEvent initial = history(run).getFirst();
        assertTrue(initial instanceof BlackboardUpdated);
        assertEquals(1, initial.entry().newVersion());
        assertNull(initial.entry().agent(), "an initial value is written by nobody");
        JsonNode sent = request(run, "b").content().get("blackboard").get("notes");
        assertEquals(1, sent.get("version").asLong());
        assertEquals("start", sent.get("value").get(0).asText());
    }

    @Test
    void theFirstWriteWinsAndTheStaleOneIsRetriedWithTheFreshVersion() throws Exception {
        RunState run = start(TWO_WRITERS);
        AgentMessage a = request(run, "a");
        AgentMessage b = request(run, "b");
        write(run, a, "{\"blackboard\":{\"notes\":[\"start\",\"a\"]}}");
        write(run, b, "{\"blackboard\":{\"notes\":[\"start\",\"b\"]}}");

        assertEquals(TaskState.DISPATCHED, run.task("b").state, "dispatched again");
        assertEquals(1, run.task("b").revision);
        JsonNode fresh = request(run, "b").content().get("blackboard").get("notes");
        assertEquals(2, fresh.get("version").asLong());
        assertEquals(MAPPER.readTree("[\"start\",\"a\"]"), fresh.get("value"));
        BlackboardEntry conflict = history(run).stream()
                .filter(e -> e instanceof BlackboardConflict)
                .findFirst()
                .orElseThrow()
                .entry();
        assertEquals("b", conflict.taskId());
        assertEquals("reviewer", conflict.agent());
        assertEquals("worker-7", conflict.worker());
        assertEquals(1, conflict.oldVersion(), "the version b was sent");
        assertEquals(2, conflict.newVersion(), "the version a had written");

        write(run, request(run, "b"), "{\"blackboard\":{\"notes\":[\"start\",\"a\",\"b\"]}}");
        assertEquals(RunStatus.COMPLETED, run.status());
        Blackboard.Section notes = Blackboard.section(run, "notes");
        assertEquals(3, notes.version());
        assertEquals("b", notes.taskId());
        BlackboardEntry last = history(run).getLast().entry();
        assertEquals(2, last.attempt(), "the second dispatch of b");
        assertEquals(
                List.of(1L, 2L, 3L, 4L),
                history(run).stream().map(e -> e.entry().seq()).toList());
    }

    @Test
    void theWriteCommitsInTheSameTransitionAsTheResultAndAReplayWritesNothing() throws Exception {
        RunState started = start(TWO_WRITERS);
        AgentMessage a = request(started, "a");
        RunState run = RunState.load(started.runId, started.committedFields(1), MAPPER);
        write(run, a, "{\"blackboard\":{\"notes\":[\"start\",\"a\"]}}");
        assertTrue(run.dirtyFields().containsKey("t:a"), "the task's completion");
        assertTrue(run.dirtyFields().containsKey("bb:s:notes"), "and the section, in one commit");
        assertEquals(
                List.of("TASK_COMPLETED", "BLACKBOARD_UPDATED"),
                run.events.stream()
                        .map(e -> e.type().name())
                        .filter(t -> t.equals("TASK_COMPLETED") || t.startsWith("BLACKBOARD"))
                        .sorted(java.util.Comparator.reverseOrder())
                        .toList());

        RunState replayed = RunState.load(run.runId, run.committedFields(2), MAPPER);
        write(replayed, a, "{\"blackboard\":{\"notes\":[\"start\",\"a\",\"again\"]}}");
        assertTrue(replayed.events.isEmpty(), "a redelivered result changes nothing");
        assertEquals(2, Blackboard.section(replayed, "notes").version());
    }

    @Test
    void conflictRetriesAreBoundedThenTheTaskFails() throws Exception {
        RunState run = start(TWO_WRITERS);
        AgentMessage b = request(run, "b");
        write(run, request(run, "a"), "{\"blackboard\":{\"notes\":[1]}}");
        write(run, b, "{\"blackboard\":{\"notes\":[2]}}");
        AgentMessage retried = request(run, "b");
        // Another change (here a rollback of a) makes the retried dispatch stale too.
        BlackboardRollback.apply(run, history(run), "coder", null, EdgesTest.NOW);
        write(run, retried, "{\"blackboard\":{\"notes\":[3]}}");

        assertEquals(TaskState.FAILED, run.task("b").state);
        assertEquals("BLACKBOARD_CONFLICT", EdgesTest.errorType(run, "b"));
        assertTrue(run.task("b").error.get("message").asText().contains("after 1 conflict retries"));
    }

    @Test
    void onConflictFailFailsTheStaleTaskAtOnce() throws Exception {
        RunState run = start("""
                {"tasks":[{"id":"a","agent":"coder","input":"a","blackboard":{"writes":["s"]}},
                          {"id":"b","agent":"coder","input":"b","blackboard":{"writes":["s"],"onConflict":"fail"}}]}""");
        AgentMessage b = request(run, "b");
        write(run, request(run, "a"), "{\"blackboard\":{\"s\":1}}");
        write(run, b, "{\"blackboard\":{\"s\":2}}");
        assertEquals("BLACKBOARD_CONFLICT", EdgesTest.errorType(run, "b"));
        assertEquals(RunStatus.FAILED, run.status());
        assertEquals(1, Blackboard.section(run, "s").value().asInt(), "the stale value was not written");
    }

    @Test
    void anUndeclaredWriteFailsTheTaskAndWritesNothing() throws Exception {
        RunState run = start("""
                {"blackboard":{"plan":"p"},
                 "tasks":[{"id":"a","agent":"coder","input":"a","blackboard":{"reads":["plan"],"writes":["notes"]}}]}""");
        write(run, request(run, "a"), "{\"blackboard\":{\"notes\":1,\"plan\":\"mine\"}}");
        assertEquals("BLACKBOARD_UNDECLARED_WRITE", EdgesTest.errorType(run, "a"));
        assertTrue(run.task("a").error.get("message").asText().contains("'plan'"));
        assertEquals("p", Blackboard.section(run, "plan").value().asText());
        assertEquals(0, Blackboard.section(run, "notes").version(), "all or nothing");
    }

    @Test
    void aWriteThatIsNotAnObjectFailsTheTask() throws Exception {
        RunState run = start("""
                {"tasks":[{"id":"a","agent":"coder","input":"a","blackboard":{"writes":["s"]}}]}""");
        write(run, request(run, "a"), "{\"blackboard\":[\"s\"]}");
        assertEquals("BLACKBOARD_INVALID_WRITE", EdgesTest.errorType(run, "a"));
    }

    @Test
    void anOversizedWriteFailsTheTaskWithItsTypedReason() throws Exception {
        RunState run = start("""
                {"tasks":[{"id":"a","agent":"coder","input":"a","blackboard":{"writes":["s"]}}]}""");
        ObjectNode out = MAPPER.createObjectNode();
        out.putObject("blackboard").put("s", "x".repeat(BlackboardLimits.MAX_SECTION_BYTES));
        write(run, request(run, "a"), out.toString());
        assertEquals("BLACKBOARD_SECTION_TOO_LARGE", EdgesTest.errorType(run, "a"));
    }

    @Test
    void aReviewedTasksWriteAppliesWhenItsOwnResultArrivesBeforeTheReview() throws Exception {
        RunState run = start("""
                {"tasks":[{"id":"a","agent":"coder","input":"a","blackboard":{"writes":["s"]},
                           "review":{"agent":"reviewer","maxRevisions":1}}]}""");
        write(run, request(run, "a"), "{\"blackboard\":{\"s\":\"draft\"}}");
        assertEquals(TaskState.REVIEWING, run.task("a").state);
        assertEquals("draft", Blackboard.section(run, "s").value().asText());
    }

    @Test
    void spawnedTasksAndSingleTasksCannotDeclareABlackboard() throws Exception {
        RunState run = start("""
                {"blackboard":{"s":1},"tasks":[{"id":"p","agent":"coder","input":"plan"}]}""");
        write(run, request(run, "p"), """
                {"spawn":[{"id":"x","agent":"coder","input":"x","blackboard":{"writes":["s"]}}]}""");
        assertEquals("INVALID_SPAWN", EdgesTest.errorType(run, "p"));
        assertTrue(run.task("p").error.get("message").asText().contains("blackboard"));
        InvalidMessageException single = assertThrows(
                InvalidMessageException.class,
                () -> EdgesTest.parser()
                        .singleTask(
                                (ObjectNode)
                                        MAPPER.readTree("{\"agent\":\"coder\",\"blackboard\":{\"writes\":[\"s\"]}}"),
                                EdgesTest.NOW));
        assertEquals("blackboard", single.field());
    }

    @Test
    void aRunWithoutABlackboardKeepsOutputBlackboardAsPlainOutput() throws Exception {
        RunState run = start("{\"tasks\":[{\"id\":\"a\",\"agent\":\"coder\",\"input\":\"a\"}]}");
        assertNull(request(run, "a").content().get("blackboard"));
        write(run, request(run, "a"), "{\"blackboard\":{\"anything\":1}}");
        assertEquals(RunStatus.COMPLETED, run.status());
    }

    @Test
    void rollingBackAnAgentRestoresEachSectionToTheLatestWriteOfAnyoneElse() throws Exception {
        RunState run = start("""
                {"blackboard":{"s":"init"},
                 "tasks":[{"id":"a","agent":"coder","input":"a","blackboard":{"writes":["s"]}},
                          {"id":"b","agent":"reviewer","input":"b","dependsOn":["a"],"blackboard":{"writes":["s"]}},
                          {"id":"c","agent":"coder","input":"c","dependsOn":["b"],"blackboard":{"writes":["s","t"]}}]}""");
        write(run, request(run, "a"), "{\"blackboard\":{\"s\":\"by a\"}}");
        write(run, request(run, "b"), "{\"blackboard\":{\"s\":\"by b\"}}");
        write(run, request(run, "c"), "{\"blackboard\":{\"s\":\"by c\",\"t\":\"only c\"}}");

        List<BlackboardEntry> added = BlackboardRollback.apply(run, history(run), "coder", null, EdgesTest.NOW);
        assertEquals(
                List.of("s", "t"), added.stream().map(BlackboardEntry::section).toList());
        assertEquals("by b", Blackboard.section(run, "s").value().asText(), "without coder's writes, b's value");
        assertEquals(5, Blackboard.section(run, "s").version());
        assertNull(Blackboard.section(run, "t").value(), "nobody else wrote t");
        assertEquals(List.of(2L, 4L), added.getFirst().reverted());

        BlackboardRollback.apply(run, history(run), null, "b", EdgesTest.NOW);
        assertEquals("init", Blackboard.section(run, "s").value().asText(), "a's write stays reverted");
        assertTrue(
                BlackboardRollback.apply(run, history(run), "coder", null, EdgesTest.NOW)
                        .isEmpty(),
                "nothing left to roll back");
    }

    @Test
    void aRollbackThatDoesNotFitTheHistoryIsRefused() throws Exception {
        RunState run = start("""
                {"tasks":[{"id":"a","agent":"coder","input":"a","blackboard":{"writes":["s"]}}]}""");
        write(run, request(run, "a"), "{\"blackboard\":{\"s\":1}}");
        run.setBlackboardField("seq", Integer.toString(BlackboardLimits.MAX_HISTORY));
        assertThrows(
                BlackboardHistoryFull.class,
                () -> BlackboardRollback.apply(run, history(run), "coder", null, EdgesTest.NOW));
    }
}
