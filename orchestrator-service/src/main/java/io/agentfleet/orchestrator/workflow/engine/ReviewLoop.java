package io.agentfleet.orchestrator.workflow.engine;

import static io.agentfleet.orchestrator.workflow.engine.EventData.taskData;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.RunEventType;
import java.time.Instant;

/**
 * A task with a reviewer: its result becomes a candidate sent for review, and a rejection sends the task back with
 * the feedback until it is approved or its revisions run out.
 */
final class ReviewLoop {
    private final Dispatcher dispatcher;
    private final PlannerSpawns spawns;

    ReviewLoop(Dispatcher dispatcher, PlannerSpawns spawns) {
        this.dispatcher = dispatcher;
        this.spawns = spawns;
    }

    void onResult(RunState run, TaskRecord task, ObjectNode output, Instant now) {
        if (task.state == TaskState.DISPATCHED && task.review != null) {
            task.candidate = output;
            dispatcher.dispatch(run, task, true, now);
            return;
        }
        spawns.complete(run, task, output, now);
    }

    void onReview(RunState run, TaskRecord task, ObjectNode verdict, Instant now) {
        boolean approved = verdict.path("approved").asBoolean(false);
        String feedback =
                verdict.hasNonNull("feedback") ? verdict.get("feedback").asText() : verdict.toString();
        ObjectNode data = taskData(task, now);
        data.put("approved", approved);
        data.put("feedback", feedback);
        run.event(RunEventType.TASK_REVIEWED, data);
        if (approved) {
            spawns.complete(run, task, task.candidate, now);
        } else if (task.revision < task.review.maxRevisions()) {
            task.revision++;
            task.feedback = feedback;
            ObjectNode revised = taskData(task, now);
            revised.put("feedback", feedback);
            run.event(RunEventType.TASK_REVISED, revised);
            dispatcher.dispatch(run, task, false, now);
        } else if (task.review.acceptWhenExhausted()) {
            spawns.complete(run, task, task.candidate, now);
        } else {
            TaskSettlement.failed(
                    run,
                    task,
                    RunEngine.failure("REVIEW_REJECTED", "rejected after " + task.revision + " revisions: " + feedback),
                    now);
        }
    }
}
