package io.agentfleet.orchestrator.workflow.engine;

import static io.agentfleet.orchestrator.workflow.engine.EventData.snapshot;
import static io.agentfleet.orchestrator.workflow.engine.RunEngine.failure;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.Ids;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.RunEventData.ChildRunStarted;
import io.agentfleet.messages.RunEventData.TaskDispatched;
import io.agentfleet.messages.RunStatus;
import io.agentfleet.orchestrator.workflow.schedule.DeadlineMember;
import io.agentfleet.orchestrator.workflow.spec.RunSpec;
import io.agentfleet.orchestrator.workflow.spec.SpecParser;
import io.agentfleet.orchestrator.workflow.spec.SubWorkflows;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Sub-workflow tasks: dispatching one reserves its budget and records the child run to start after the commit; the
 * child's end settles the task. The child's token budget is the parent task's reservation (its {@code maxTokens}, else
 * the child's own budget, else whatever is left of the parent's budget), so the child's spend, which counts toward the
 * parent's, can never take the parent over its budget.
 */
final class ChildRuns {
    static final String F_PARENT_RUN = "parentRun";
    static final String F_PARENT_TASK = "parentTask";
    static final String F_DEPTH = "depth";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final SpecParser parser;

    ChildRuns(SpecParser parser) {
        this.parser = parser;
    }

    /** Dispatches a sub-workflow task, or fails it (too deep, invalid) or ends the run when its budget cannot fit. */
    void dispatch(RunState run, TaskRecord task, Instant now) {
        int depth = run.depth() + 1;
        if (depth > parser.maxWorkflowDepth()) {
            TaskSettlement.failed(
                    run,
                    task,
                    failure(
                            "WORKFLOW_TOO_DEEP",
                            "task " + task.id + " would start a run nested " + depth
                                    + " sub-workflows deep, more than the limit of " + parser.maxWorkflowDepth()),
                    now);
            return;
        }
        RunSpec spec;
        try {
            spec = parser.child(task.workflow, "workflow", now);
        } catch (InvalidMessageException e) {
            TaskSettlement.failed(run, task, failure("INVALID_WORKFLOW", e.getMessage()), now);
            return;
        }
        long reservation = reservation(run, task, spec);
        if (!TokenReservations.fits(run, reservation) || (run.spend().maxTokens() != null && reservation == 0)) {
            if (!TokenReservations.waits(run, task)) {
                RunCompletion.finish(
                        run,
                        RunStatus.BUDGET_EXCEEDED,
                        failure("BUDGET_EXCEEDED", TokenReservations.refusal(run, task, false, reservation)),
                        now);
            }
            return;
        }
        String wireId = WireIds.of(run.runId, task.id, task.revision, false);
        task.moveTo(TaskState.DISPATCHED);
        task.wireId = wireId;
        task.childRun = Ids.derivedFrom(run.runId, wireId);
        task.dispatches++;
        task.dispatchedAt = now.toEpochMilli();
        TokenReservations.reserve(run, task, reservation);
        run.save(task);
        run.countStep();
        if (task.timeout != null) {
            run.deadlines.add(new ScheduleEntry(
                    DeadlineMember.forTask(run.runId, wireId), Dispatcher.deadlineAfter(now, task.timeout)));
        }
        run.event(new TaskDispatched(now.toString(), snapshot(task), SubWorkflows.AGENT, false));
        run.event(new ChildRunStarted(now.toString(), snapshot(task), task.childRun));
        run.childStarts.add(start(run, task, spec, now));
    }

    /**
     * The child run that the dispatch {@code wireId} of {@code run} waits for, to start it again after a crash, or
     * null when the run waits for no child there.
     */
    ChildStart awaited(RunState run, String wireId, Instant now) {
        WireIds wire = WireIds.parse(wireId);
        TaskRecord task = wire == null || run.status().isTerminal() ? null : run.task(wire.taskId());
        if (task == null || task.workflow == null || task.childRun == null || !wireId.equals(task.wireId)) {
            return null;
        }
        if (task.state != TaskState.DISPATCHED) {
            return null;
        }
        try {
            return start(run, task, parser.child(task.workflow, "workflow", now), now);
        } catch (InvalidMessageException e) {
            return null;
        }
    }

    /** Settles the sub-workflow task that started {@code end}'s child; false when it no longer waits for that child. */
    static boolean settle(RunState run, ChildEnd end, Instant now) {
        TaskRecord task = run.status().isTerminal() ? null : run.task(end.parentTask());
        if (task == null
                || task.state != TaskState.DISPATCHED
                || !end.childRun().equals(task.childRun)) {
            return false;
        }
        run.touch(now);
        run.settled.add(task.wireId);
        TokenReservations.release(run, task);
        countUsage(run, task, end);
        if (end.failure() == null) {
            TaskSettlement.completed(run, task, end.output(), now);
        } else {
            TaskSettlement.failed(run, task, end.failure(), now);
        }
        return true;
    }

    /** How {@code child}, which has ended, settles its parent's task. */
    static ChildEnd end(RunState child) {
        ObjectNode failure = null;
        if (child.status() != RunStatus.COMPLETED) {
            failure = failure(
                    "CHILD_" + child.status().name(),
                    "child run " + child.runId + " ended " + child.status().name());
            failure.put("childRun", child.runId);
            JsonNode error = errorOf(child);
            if (error != null) {
                failure.set("childError", error);
            }
        }
        return new ChildEnd(
                child.parentRun(),
                child.parentTask(),
                child.runId,
                failure == null ? sinkOutputs(child) : null,
                failure,
                child.spend().tokensIn(),
                child.spend().tokensOut(),
                child.spend().cost());
    }

    /** The end of a child run that could not be started (refused by its key's daily budget, admission or backlog). */
    static ChildEnd notStarted(ChildStart start, String reason) {
        ObjectNode failure = failure("CHILD_NOT_STARTED", "child run " + start.runId() + " was not started: " + reason);
        failure.put("childRun", start.runId());
        return new ChildEnd(start.parentRun(), start.parentTask(), start.runId(), null, failure, 0, 0, 0);
    }

    /**
     * The child runs to cancel after this transition of {@code run}: those of sub-workflow tasks it moved out of
     * DISPATCHED other than by completing (the run ended, or the task timed out).
     */
    static List<String> toCancel(RunState run) {
        List<String> children = new ArrayList<>();
        for (TaskRecord task : run.tasks()) {
            // The cheap checks first: this runs for every transition, before its commit.
            if (task.childRun != null
                    && task.state != TaskState.DISPATCHED
                    && task.state != TaskState.COMPLETED
                    && run.dirtyFields().containsKey(RunFields.TASK_PREFIX + task.id)) {
                children.add(task.childRun);
            }
        }
        return children;
    }

    /**
     * Keeps the reconcile check of each sub-workflow task whose child this transition cancels: the child is cancelled
     * after the commit, and should the process die first, that check finds the orphan ({@link #orphaned}).
     */
    static void keepChecksOfChildrenToCancel(RunState run) {
        List<String> children = toCancel(run);
        if (children.isEmpty()) {
            return;
        }
        for (TaskRecord task : run.tasks()) {
            if (task.wireId != null && children.contains(task.childRun)) {
                run.settled.remove(task.wireId);
            }
        }
    }

    /**
     * The child run that {@code run}'s sub-workflow task dispatched as {@code wireId} started and that {@code run} no
     * longer waits for (the run ended, or the task stopped waiting), or null: cancelling it cannot be wrong.
     */
    static String orphaned(RunState run, String wireId) {
        WireIds wire = WireIds.parse(wireId);
        TaskRecord task = wire == null ? null : run.task(wire.taskId());
        if (task == null || task.childRun == null || !wireId.equals(task.wireId)) {
            return null;
        }
        boolean waiting = !run.status().isTerminal() && task.state == TaskState.DISPATCHED;
        return waiting ? null : task.childRun;
    }

    /** A scheduled parent's first sub-workflows start at once, but their tasks wait for the parent's start. */
    private ChildStart start(RunState run, TaskRecord task, RunSpec spec, Instant now) {
        Long maxTokens = spec.maxTokens();
        if (task.reserved > 0) {
            maxTokens = maxTokens == null ? task.reserved : Math.min(maxTokens, task.reserved);
        }
        Double maxCost = spec.maxCost();
        if (run.spend().maxCost() != null) {
            double left = Math.max(0, run.spend().maxCost() - run.spend().cost());
            maxCost = maxCost == null ? left : Math.min(maxCost, left);
        }
        RunSpec child = new RunSpec(
                spec.tasks(),
                spec.maxSteps(),
                maxTokens,
                maxCost,
                spec.deadline(),
                run.trace(),
                run.priority(),
                run.startAt() > now.toEpochMilli() ? Instant.ofEpochMilli(run.startAt()) : null,
                spec.onBudget());
        return new ChildStart(
                task.childRun, child, run.apiKey(), run.tenant(), run.runId, task.id, task.wireId, run.depth() + 1);
    }

    /** The task's {@code maxTokens}, else the child's own token budget, else what is left of the parent's budget. */
    private static long reservation(RunState run, TaskRecord task, RunSpec spec) {
        if (task.maxTokens != null) {
            return task.maxTokens;
        }
        if (spec.maxTokens() != null) {
            return spec.maxTokens();
        }
        Long budget = run.spend().maxTokens();
        return budget == null
                ? 0
                : Math.max(
                        0,
                        budget
                                - run.spend().tokensIn()
                                - run.spend().tokensOut()
                                - run.spend().reservedTokens());
    }

    /**
     * The child's spend counts toward the parent run and task; it is not a new usage delta, because the child's own
     * results already counted it toward the key's daily usage.
     */
    private static void countUsage(RunState run, TaskRecord task, ChildEnd end) {
        if (end.tokensIn() == 0 && end.tokensOut() == 0 && end.cost() == 0) {
            return;
        }
        task.tokensIn += end.tokensIn();
        task.tokensOut += end.tokensOut();
        task.cost += end.cost();
        run.save(task);
        run.spend().addUsage(end.tokensIn(), end.tokensOut(), end.cost());
    }

    /** The outputs of the child's completed tasks that no other task depends on, by task id. */
    private static ObjectNode sinkOutputs(RunState child) {
        Set<String> upstream = new HashSet<>();
        child.tasks().forEach(t -> upstream.addAll(t.dependsOn));
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (TaskRecord t : child.tasks()) {
            if (!upstream.contains(t.id) && t.state == TaskState.COMPLETED && t.output != null) {
                out.set(t.id, t.output);
            }
        }
        return out;
    }

    private static JsonNode errorOf(RunState child) {
        String text = child.errorText();
        if (text == null) {
            return null;
        }
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return JsonNodeFactory.instance.textNode(text);
        }
    }
}
