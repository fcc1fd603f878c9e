package io.agentfleet.orchestrator.workflow.engine;

import static io.agentfleet.orchestrator.workflow.engine.EventData.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.Metadata;
import io.agentfleet.messages.RunEventData.TaskCompleted;
import io.agentfleet.messages.RunEventData.TaskFailed;
import io.agentfleet.messages.RunEventData.TaskNeedsHuman;
import io.agentfleet.messages.RunStatus;
import java.time.Instant;

/** How a task settles: completed with its output, failed (ending the run unless optional), or parked for a human. */
final class TaskSettlement {
    private TaskSettlement() {}

    static void completed(RunState run, TaskRecord task, JsonNode output, Instant now) {
        task.moveTo(TaskState.COMPLETED);
        task.output = output;
        task.candidate = null;
        task.completedAt = now.toEpochMilli();
        run.save(task);
        run.event(new TaskCompleted(now.toString(), snapshot(task)));
    }

    static void failed(RunState run, TaskRecord task, ObjectNode failure, Instant now) {
        task.error = failure;
        if (task.fallback != null && !task.fallbackUsed && task.state.isInFlight()) {
            fallBack(run, task);
            return;
        }
        if (task.escalate) {
            park(run, task, failure, "ESCALATED", now);
            return;
        }
        failedForGood(run, task, failure, now);
    }

    /**
     * Hands a task whose own attempts failed to its fallback agent type: it waits to be dispatched again (a new
     * revision, so a late outcome of the failed one is ignored), keeping the failure as its last error.
     */
    private static void fallBack(RunState run, TaskRecord task) {
        task.fallbackUsed = true;
        task.revision++;
        task.candidate = null;
        task.moveTo(TaskState.PENDING);
        run.save(task);
    }

    /** Fails the task without fallback or escalation; the run fails too unless the failure is optional or handled. */
    static void failedForGood(RunState run, TaskRecord task, ObjectNode failure, Instant now) {
        task.error = failure;
        task.moveTo(TaskState.FAILED);
        task.completedAt = now.toEpochMilli();
        run.save(task);
        run.event(new TaskFailed(now.toString(), snapshot(task)));
        if (!task.optional && !Edges.failureHandled(run, task)) {
            ObjectNode error = failure.deepCopy();
            error.put("task", task.id);
            RunCompletion.finish(run, RunStatus.FAILED, error, now);
        }
    }

    static void park(RunState run, TaskRecord task, JsonNode question, String why, Instant now) {
        task.moveTo(TaskState.WAITING_HUMAN);
        task.question = question;
        run.save(task);
        run.event(new TaskNeedsHuman(now.toString(), snapshot(task), why, question));
        RunCompletion.park(run, task, now);
    }

    static void recordUsage(RunState run, TaskRecord task, AgentMessage outcome) {
        Metadata m = outcome.metadata();
        long in = m.tokensIn() == null ? 0 : m.tokensIn();
        long out = m.tokensOut() == null ? 0 : m.tokensOut();
        double cost = m.cost() == null ? 0 : m.cost();
        if (in == 0 && out == 0 && cost == 0) {
            return;
        }
        task.tokensIn += in;
        task.tokensOut += out;
        task.cost += cost;
        run.save(task);
        run.spend().addUsage(in, out, cost);
        run.usage.add(new UsageDelta(run.apiKey(), run.tenant(), outcome.recipient(), in, out, cost));
    }
}
