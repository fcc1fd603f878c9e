package io.agentfleet.orchestrator.workflow.engine;

import static io.agentfleet.orchestrator.workflow.engine.EventData.data;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.RunEventType;
import io.agentfleet.messages.RunStatus;
import java.time.Instant;

/** How a run leaves RUNNING: finished with a final status, parked for a human and back, or over its budget. */
final class RunCompletion {
    private RunCompletion() {}

    static void finish(RunState run, RunStatus status, ObjectNode error, Instant now) {
        run.moveTo(status);
        run.recordFinish(now, error);
        for (TaskRecord task : run.tasks()) {
            TaskState next = switch (task.state) {
                case PENDING -> TaskState.SKIPPED;
                case DISPATCHED, REVIEWING, WAITING_HUMAN -> TaskState.CANCELLED;
                case COMPLETED, FAILED, SKIPPED, CANCELLED -> null;
            };
            if (next != null) {
                if (task.state.isInFlight()) {
                    run.settled.add(task.wireId);
                }
                task.moveTo(next);
                run.save(task);
            }
        }
        if (status != RunStatus.COMPLETED) {
            run.setCancel = true;
        }
        run.ended = true;
        ObjectNode data = data(now);
        data.put("status", status.name());
        if (error != null) {
            data.set("error", error);
        }
        run.event(RunEventType.RUN_FINISHED, data);
    }

    static void park(RunState run, TaskRecord task, Instant now) {
        if (run.status() == RunStatus.RUNNING) {
            run.moveTo(RunStatus.NEEDS_HUMAN);
            ObjectNode parked = data(now);
            parked.put("status", RunStatus.NEEDS_HUMAN.name());
            parked.put("taskId", task.id);
            run.event(RunEventType.RUN_PARKED, parked);
        }
    }

    static void resumeIfNoneWaiting(RunState run, Instant now) {
        if (run.status() == RunStatus.NEEDS_HUMAN
                && run.tasks().stream().noneMatch(t -> t.state == TaskState.WAITING_HUMAN)) {
            run.moveTo(RunStatus.RUNNING);
            ObjectNode data = data(now);
            data.put("status", RunStatus.RUNNING.name());
            run.event(RunEventType.RUN_RUNNING, data);
        }
    }

    static void checkBudget(RunState run, Instant now) {
        long tokens = run.tokensIn() + run.tokensOut();
        double cost = run.cost();
        Long maxTokens = run.maxTokens();
        Double maxCost = run.maxCost();
        if (maxTokens != null && tokens > maxTokens) {
            finish(
                    run,
                    RunStatus.BUDGET_EXCEEDED,
                    RunEngine.failure("BUDGET_EXCEEDED", "used " + tokens + " tokens, budget " + maxTokens),
                    now);
        } else if (maxCost != null && cost > maxCost) {
            finish(
                    run,
                    RunStatus.BUDGET_EXCEEDED,
                    RunEngine.failure("BUDGET_EXCEEDED", "cost " + cost + ", budget " + maxCost),
                    now);
        }
    }
}
