package io.agentfleet.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.RunEventData.BlackboardConflict;
import io.agentfleet.messages.RunEventData.BlackboardEntry;
import io.agentfleet.messages.RunEventData.BlackboardEvent;
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
import java.util.ArrayList;
import java.util.List;

/** The JSON of {@link RunEventData}: {@code at}, then the task's fields (for a task's event), then the type's own. */
final class RunEventJson {
    private RunEventJson() {}

    static ObjectNode write(RunEventData data) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("at", data.at());
        switch (data) {
            case RunStarted e -> {
                out.put("tasks", e.tasks());
                out.put("kind", e.kind());
            }
            case TaskDispatched e -> {
                task(out, e.task());
                out.put("dispatchedTo", e.dispatchedTo());
                out.put("review", e.review());
            }
            case TaskProgress e -> task(out, e.task()).set("progress", e.progress());
            case TaskCompleted e -> task(out, e.task());
            case TaskFailed e -> task(out, e.task());
            case TaskSkipped e -> task(out, e.task());
            case TaskReviewed e -> {
                task(out, e.task());
                out.put("approved", e.approved());
                out.put("feedback", e.feedback());
            }
            case TaskRevised e -> task(out, e.task()).put("feedback", e.feedback());
            case TasksSpawned e -> {
                var ids = task(out, e.task()).putArray("spawned");
                e.spawned().forEach(ids::add);
            }
            case TaskNeedsHuman e -> {
                task(out, e.task());
                out.put("why", e.why());
                out.set("question", e.question());
            }
            case RunParked e -> {
                out.put("status", name(e.status()));
                out.put("taskId", e.taskId());
            }
            case RunResumed e -> task(out, e.task()).put("action", e.action());
            case RunRunning e -> out.put("status", name(e.status()));
            case RunFinished e -> {
                out.put("status", name(e.status()));
                if (e.error() != null) {
                    out.set("error", e.error());
                }
            }
            case BlackboardEvent e -> entry(out, e.entry());
            case ChildRunStarted e -> task(out, e.task()).put("childRun", e.childRun());
        }
        return out;
    }

    private static void entry(ObjectNode out, BlackboardEntry e) {
        out.put("seq", e.seq());
        out.put("section", e.section());
        out.put("agent", e.agent());
        out.put("worker", e.worker());
        out.put("taskId", e.taskId());
        out.put("attempt", e.attempt());
        out.put("oldVersion", e.oldVersion());
        out.put("newVersion", e.newVersion());
        out.set("value", e.value());
        var reverted = out.putArray("reverted");
        e.reverted().forEach(reverted::add);
    }

    private static BlackboardEntry entry(ObjectNode json) {
        List<Long> reverted = new ArrayList<>();
        json.path("reverted").forEach(n -> reverted.add(n.asLong()));
        JsonNode value = json.get("value");
        return new BlackboardEntry(
                json.path("seq").asLong(),
                String.valueOf(text(json, "section")),
                text(json, "agent"),
                text(json, "worker"),
                text(json, "taskId"),
                json.path("attempt").asInt(),
                json.path("oldVersion").asLong(),
                json.path("newVersion").asLong(),
                value == null || value.isNull() ? null : value,
                reverted);
    }

    private static String name(RunStatus status) {
        return status == null ? null : status.name();
    }

    private static ObjectNode task(ObjectNode out, TaskSnapshot task) {
        out.put("taskId", task.taskId());
        out.put("agent", task.agent());
        out.put("state", task.state());
        out.put("revision", task.revision());
        if (task.wireTaskId() != null) {
            out.put("wireTaskId", task.wireTaskId());
        }
        if (task.error() != null) {
            out.set("error", task.error());
        }
        return out;
    }

    static RunEventData read(RunEventType type, ObjectNode json) {
        String at = text(json, "at");
        return switch (type) {
            case RUN_STARTED -> new RunStarted(at, json.path("tasks").asInt(), text(json, "kind"));
            case TASK_DISPATCHED ->
                new TaskDispatched(
                        at,
                        task(json),
                        text(json, "dispatchedTo"),
                        json.path("review").asBoolean());
            case TASK_PROGRESS -> new TaskProgress(at, task(json), json.get("progress"));
            case TASK_COMPLETED -> new TaskCompleted(at, task(json));
            case TASK_FAILED -> new TaskFailed(at, task(json));
            case TASK_SKIPPED -> new TaskSkipped(at, task(json));
            case TASK_REVIEWED ->
                new TaskReviewed(at, task(json), json.path("approved").asBoolean(), text(json, "feedback"));
            case TASK_REVISED -> new TaskRevised(at, task(json), text(json, "feedback"));
            case TASKS_SPAWNED -> new TasksSpawned(at, task(json), texts(json.get("spawned")));
            case TASK_NEEDS_HUMAN -> new TaskNeedsHuman(at, task(json), text(json, "why"), json.get("question"));
            case RUN_PARKED -> new RunParked(at, status(json), text(json, "taskId"));
            case RUN_RESUMED -> new RunResumed(at, task(json), text(json, "action"));
            case RUN_RUNNING -> new RunRunning(at, status(json));
            case RUN_FINISHED -> new RunFinished(at, status(json), json.get("error"));
            case BLACKBOARD_UPDATED -> new BlackboardUpdated(at, entry(json));
            case BLACKBOARD_CONFLICT -> new BlackboardConflict(at, entry(json));
            case BLACKBOARD_ROLLED_BACK -> new BlackboardRolledBack(at, entry(json));
            case CHILD_RUN_STARTED -> new ChildRunStarted(at, task(json), text(json, "childRun"));
        };
    }

    private static TaskSnapshot task(ObjectNode json) {
        String taskId = text(json, "taskId");
        return new TaskSnapshot(
                taskId == null ? "" : taskId,
                text(json, "agent"),
                text(json, "state"),
                json.path("revision").asInt(),
                text(json, "wireTaskId"),
                json.get("error"));
    }

    /** The run status named in {@code status}, or null when it is missing or not one this version knows. */
    private static RunStatus status(ObjectNode json) {
        return Enums.parse(RunStatus.class, text(json, "status"), null);
    }

    private static String text(ObjectNode json, String field) {
        JsonNode value = json.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null) {
            array.forEach(n -> out.add(n.asText()));
        }
        return out;
    }
}
