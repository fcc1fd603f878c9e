package io.agentfleet.orchestrator.workflow.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.RunEventData.RunFinished;
import io.agentfleet.messages.RunEventData.RunParked;
import io.agentfleet.messages.RunEventData.RunRunning;
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
                if (task.state.isInFlight() && task.wireId != null) {
                    run.settled.add(task.wireId);
                    TokenReservations.release(run, task);
                }
                task.moveTo(next);
                run.save(task);
            }
        }
        if (status != RunStatus.COMPLETED) {
            run.setCancel = true;
        }
        run.ended = true;
        run.event(new RunFinished(now.toString(), status, error));
    }

    static void park(RunState run, TaskRecord task, Instant now) {
        if (run.status() == RunStatus.RUNNING) {
            run.moveTo(RunStatus.NEEDS_HUMAN);
            run.event(new RunParked(now.toString(), RunStatus.NEEDS_HUMAN, task.id));
        }
    }

    static void resumeIfNoneWaiting(RunState run, Instant now) {
        if (run.status() == RunStatus.NEEDS_HUMAN
                && run.tasks().stream().noneMatch(t -> t.state == TaskState.WAITING_HUMAN)) {
            run.moveTo(RunStatus.RUNNING);
            run.event(new RunRunning(now.toString(), RunStatus.RUNNING));
        }
    }

    static void checkBudget(RunState run, Instant now) {
        long tokens = run.spend().tokensIn() + run.spend().tokensOut();
        double cost = run.spend().cost();
        Long maxTokens = run.spend().maxTokens();
        Double maxCost = run.spend().maxCost();
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
