package io.agentfleet.messages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.RunEventData.BlackboardConflict;
import io.agentfleet.messages.RunEventData.BlackboardEntry;
import io.agentfleet.messages.RunEventData.BlackboardRolledBack;
import io.agentfleet.messages.RunEventData.BlackboardUpdated;
import io.agentfleet.messages.RunEventData.ChildRunStarted;
import io.agentfleet.messages.RunEventData.RunFinished;
import io.agentfleet.messages.RunEventData.RunParked;
import io.agentfleet.messages.RunEventData.RunResumed;
import io.agentfleet.messages.RunEventData.RunRunning;
import io.agentfleet.messages.RunEventData.RunStarted;
import io.agentfleet.messages.RunEventData.TaskCompleted;
import io.agentfleet.messages.RunEventData.TaskDispatched;
import io.agentfleet.messages.RunEventData.TaskFailed;
import io.agentfleet.messages.RunEventData.TaskNeedsHuman;
import io.agentfleet.messages.RunEventData.TaskProgress;
import io.agentfleet.messages.RunEventData.TaskReviewed;
import io.agentfleet.messages.RunEventData.TaskRevised;
import io.agentfleet.messages.RunEventData.TaskSkipped;
import io.agentfleet.messages.RunEventData.TaskSnapshot;
import io.agentfleet.messages.RunEventData.TasksSpawned;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunEventDataTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String AT = "2026-12-05T10:00:00Z";

    private static ObjectNode json(String text) throws Exception {
        return (ObjectNode) MAPPER.readTree(text);
    }

    private static ObjectNode failure() {
        return JsonNodeFactory.instance.objectNode().put("type", "TIMEOUT").put("message", "late");
    }

    @Test
    void everyEventTypeReadsBackAsWritten() {
        TaskSnapshot running = new TaskSnapshot("r1", "researcher", "DISPATCHED", 0, "run.r1.r0", null);
        TaskSnapshot failed = new TaskSnapshot("r1", "researcher", "FAILED", 1, "run.r1.r1", failure());
        List<RunEventData> all = List.of(
                new RunStarted(AT, 3, "workflow"),
                new TaskDispatched(AT, running, "researcher", false),
                new TaskProgress(
                        AT, running, JsonNodeFactory.instance.objectNode().put("pct", 50)),
                new TaskCompleted(AT, running),
                new TaskFailed(AT, failed),
                new TaskSkipped(AT, running),
                new TaskReviewed(AT, running, false, "add tests"),
                new TaskRevised(AT, running, "add tests"),
                new TasksSpawned(AT, running, List.of("a", "b")),
                new TaskNeedsHuman(AT, failed, "ESCALATED", failure()),
                new RunParked(AT, RunStatus.NEEDS_HUMAN, "r1"),
                new RunResumed(AT, running, "retry"),
                new RunRunning(AT, RunStatus.RUNNING),
                new RunFinished(AT, RunStatus.FAILED, failure()),
                new BlackboardUpdated(
                        AT, new BlackboardEntry(1, "notes", "researcher", null, "r1", 1, 0, 1, failure(), List.of())),
                new BlackboardConflict(
                        AT, new BlackboardEntry(2, "notes", "coder", "w-1", "c1", 1, 0, 1, null, List.of())),
                new BlackboardRolledBack(
                        AT, new BlackboardEntry(3, "notes", "researcher", null, null, 0, 1, 2, null, List.of(1L))),
                new ChildRunStarted(AT, running, "01J0CHILDRUN0000000000000A"));
        assertEquals(RunEventType.values().length, all.size());
        for (RunEventData data : all) {
            assertEquals(
                    data,
                    RunEventData.of(data.type(), data.toJson()),
                    data.type().name());
        }
    }

    @Test
    void taskEventsKeepTheirWireLayout() throws Exception {
        String documented =
                "{\"at\":\"" + AT + "\",\"taskId\":\"r1\",\"agent\":\"researcher\",\"state\":\"DISPATCHED\","
                        + "\"revision\":0,\"wireTaskId\":\"run.r1.r0\",\"dispatchedTo\":\"researcher\",\"review\":false}";
        TaskSnapshot task = new TaskSnapshot("r1", "researcher", "DISPATCHED", 0, "run.r1.r0", null);
        assertEquals(
                documented,
                new TaskDispatched(AT, task, "researcher", false).toJson().toString());
        assertEquals(
                "{\"at\":\"" + AT + "\",\"status\":\"COMPLETED\"}",
                new RunFinished(AT, RunStatus.COMPLETED, null).toJson().toString());
    }

    @Test
    void anOldOrPartialEventStillReads() throws Exception {
        RunEventData read = RunEventData.of(
                RunEventType.TASK_DISPATCHED, json("{\"at\":\"" + AT + "\",\"taskId\":\"r1\",\"future\":1}"));
        TaskDispatched dispatched = (TaskDispatched) read;
        assertEquals("r1", dispatched.task().taskId());
        assertNull(dispatched.task().wireTaskId());
        assertNull(dispatched.dispatchedTo());
        RunFinished finished =
                (RunFinished) RunEventData.of(RunEventType.RUN_FINISHED, json("{\"status\":\"ARCHIVED\"}"));
        assertNull(finished.status());
        assertNull(finished.at());
    }
}
