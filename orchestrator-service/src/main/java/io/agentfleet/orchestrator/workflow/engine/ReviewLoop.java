package io.agentfleet.orchestrator.workflow.engine;

import static io.agentfleet.orchestrator.workflow.engine.EventData.snapshot;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.RunEventData.TaskReviewed;
import io.agentfleet.messages.RunEventData.TaskRevised;
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
        run.event(new TaskReviewed(now.toString(), snapshot(task), approved, feedback));
        if (approved) {
            spawns.complete(run, task, task.candidate, now);
        } else if (task.revision < task.review.maxRevisions()) {
            task.revision++;
            task.feedback = feedback;
            run.event(new TaskRevised(now.toString(), snapshot(task), feedback));
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
